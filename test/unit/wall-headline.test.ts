import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apply, headlineFigures, type WallCall, type WallState } from '@watchfloor/config/wall';

const TZ = 'Asia/Shanghai';
const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const MIN = 60_000;

function empty(): WallState {
  return {
    epoch: 'e', seq: 0, at: T0, newestEventAt: null, incidents: [], gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: Date.parse('2026-11-20T00:00:00+08:00'), callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0),
      callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 10, gridCalls7d: {}, gridAlerts24h: {} },
  };
}
const c = (id: string, minutes: number): WallCall => ({ id, t: T0 + minutes * MIN, category: 'traffic', priority: 2, lon: 110.3, lat: 34.5, gridId: 'g1', townCode: 't', state: 'received' });

test('headline figures: calls awaiting dispatch with the longest wait, red and all open cases, from the reducer state', () => {
  const at = T0 + 30 * MIN;
  let s = apply(empty(), { seq: 1, at, type: 'calls', items: [c('a', 1), c('b', 5), c('c', 10)] }, TZ);
  s = apply(s, { seq: 2, at, type: 'dispatches', items: [{ incidentId: 'a', unitId: 'u1', t: T0 + 2 * MIN }] }, TZ);
  s = apply(s, { seq: 3, at, type: 'cases', items: [
    { caseId: 'k1', t: T0, status: 'registered', level: 'grid', risk: 'red', gridId: 'g1' },
    { caseId: 'k2', t: T0, status: 'mediating', level: 'village', risk: 'yellow', gridId: 'g1' },
    { caseId: 'k3', t: T0, status: 'escalated', level: 'town', risk: 'red', gridId: 'g1' },
    { caseId: 'k4', t: T0, status: 'registered', level: 'grid', risk: 'blue', gridId: 'g1' },
  ] }, TZ);
  // A resolved case is no longer open, even a red one.
  s = apply(s, { seq: 4, at, type: 'cases', items: [{ caseId: 'k3', t: T0 + MIN, status: 'resolved', level: 'town', risk: 'red', gridId: 'g1' }] }, TZ);
  const h = headlineFigures(s, T0 + 20 * MIN);
  assert.equal(s.incidents.find((x) => x.id === 'a')?.state, 'dispatched');
  assert.deepEqual(h, { awaitingDispatch: 2, longestWaitMs: 15 * MIN, redCasesOpen: 1, casesOpen: 3 });
});

test('headline figures: nothing waiting has no wait, and a call timed ahead of the clock never waits a negative time', () => {
  assert.deepEqual(headlineFigures(empty(), T0), { awaitingDispatch: 0, longestWaitMs: null, redCasesOpen: 0, casesOpen: 0 });
  const s = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('ahead', 3)] }, TZ);
  assert.equal(headlineFigures(s, T0).longestWaitMs, 0);
});
