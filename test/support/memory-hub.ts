/** A wall hub held in memory, for gateway tests that need no database: deltas on demand. */
import { apply, type WallDelta, type WallDeltaBody, type WallState } from '@watchfloor/config/wall';
import type { WallHub } from '../../web/src/server/live/wall-hub';

export function memoryHub(): WallHub & { burst(n: number): void } {
  let state: WallState = {
    epoch: 'test', seq: 0, at: Date.now(), newestEventAt: null, incidents: [], gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: 0, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0), callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 0, gridCalls7d: {}, gridAlerts24h: {} },
  };
  const listeners = new Set<(d: WallDelta) => void>();
  const log: WallDelta[] = [];
  const publish = (body: WallDeltaBody) => {
    const d = { ...body, seq: state.seq + 1, at: Date.now() } as WallDelta;
    state = apply(state, d, 'Asia/Shanghai');
    log.push(d);
    listeners.forEach((l) => l(d));
  };
  return {
    epoch: 'test',
    snapshot: () => state,
    since: (seq) => log.filter((d) => d.seq > seq),
    publish,
    onDelta(l) { listeners.add(l); return () => listeners.delete(l); },
    async stop() {},
    burst(n) {
      for (let i = 0; i < n; i++) publish({ type: 'calls', items: [{ id: `c${state.seq}`, t: Date.now(), category: 'help', priority: 3, lon: 110, lat: 34, gridId: null, townCode: null, state: 'received' }] });
    },
  };
}
