/**
 * Rings pulsing around calls of the last 3 minutes: what just happened catches the eye. The
 * animation and the 3-minute cut run on the GPU (pulse-rings.ts): this builds new data only
 * when the incidents list changes.
 */
import { strings } from '@watchfloor/config/strings';
import type { WallCall } from '@watchfloor/config/wall';
import { PRIORITY } from '../../wall/theme';
import { memoOn } from './memo';
import { PulseRingsLayer } from './pulse-rings';
import type { WallLayerDef } from './types';

const FRESH_MS = 3 * 60_000;
const recent = new WeakMap<object, { data: WallCall[]; epochMs: number }>();

export const incidentPulseLayer: WallLayerDef = {
  id: 'incident-pulse',
  label: strings.map.pulse,
  defaultVisible: true,
  build(ctx) {
    // The incidents are newest first, so the scan stops at the first one too old to ring.
    const fresh = memoOn(recent, ctx.state.incidents, () => {
      const now = ctx.fixedClockMs ?? Date.now() + ctx.clockOffsetMs;
      const data: WallCall[] = [];
      for (const c of ctx.state.incidents) {
        if (now - c.t >= FRESH_MS) break;
        data.push(c);
      }
      return { data, epochMs: now };
    });
    if (fresh.data.length === 0) return null;
    return new PulseRingsLayer<WallCall>({
      id: 'incident-pulse',
      data: fresh.data,
      epochMs: fresh.epochMs,
      clockOffsetMs: ctx.clockOffsetMs,
      fixedClockMs: ctx.fixedClockMs,
      lifetimeMs: FRESH_MS,
      periodMs: 1500,
      growth: 3,
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      lineWidthMinPixels: 2 * ctx.scale,
      getPosition: (c) => [c.lon, c.lat],
      getBornMs: (c) => c.t,
      getRadius: 6 * ctx.scale,
      getLineColor: (c) => PRIORITY[c.priority] ?? PRIORITY[3]!,
    });
  },
};
