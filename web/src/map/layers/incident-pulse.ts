/** Rings pulsing around calls of the last 3 minutes: what just happened catches the eye. */
import { ScatterplotLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import type { WallCall } from '@watchfloor/config/wall';
import { PRIORITY } from '../../wall/theme';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

const FRESH_MS = 3 * 60_000;
const recent = new WeakMap<object, WallCall[]>();
const perSecond = new WeakMap<object, { second: number; data: WallCall[] }>();

export const incidentPulseLayer: WallLayerDef = {
  id: 'incident-pulse',
  label: strings.map.pulse,
  defaultVisible: true,
  build(ctx) {
    // The candidates are cached per incidents list (newest first, so the scan stops early);
    // the final cut by the clock is redone each frame so a ring stops after its 3 minutes.
    const candidates = memoOn(recent, ctx.state.incidents, () => {
      const out: WallCall[] = [];
      for (const c of ctx.state.incidents) {
        if (ctx.now - c.t >= FRESH_MS) break;
        out.push(c);
      }
      return out;
    });
    // Re-cut once a second, not every frame: a new array makes deck.gl recompute its attributes.
    const second = Math.floor(ctx.now / 1000);
    const cut = memoOn(perSecond, candidates, () => ({ second, data: candidates.filter((c) => ctx.now - c.t < FRESH_MS) }));
    if (cut.second !== second) {
      cut.second = second;
      cut.data = candidates.filter((c) => ctx.now - c.t < FRESH_MS);
    }
    const data = cut.data;
    if (data.length === 0) return null;
    const phase = (ctx.now % 1500) / 1500;
    return new ScatterplotLayer<WallCall>({
      id: 'incident-pulse',
      data,
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      lineWidthMinPixels: 2 * ctx.scale,
      getPosition: (c) => [c.lon, c.lat],
      getRadius: (6 + phase * 18) * ctx.scale,
      getLineColor: (c) => {
        const [r, g, b] = PRIORITY[c.priority] ?? PRIORITY[3]!;
        return [r, g, b, Math.round(255 * (1 - phase))];
      },
      updateTriggers: { getLineColor: phase },
    });
  },
};
