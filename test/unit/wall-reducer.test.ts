import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apply, dispatchCounts, prune, type WallCall, type WallState } from '@watchfloor/config/wall';

const TZ = 'Asia/Shanghai';
const T0 = Date.parse('2026-11-20T10:00:00+08:00');

function empty(): WallState {
  return {
    epoch: 'e', seq: 0, at: T0, newestEventAt: null, incidents: [], gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: Date.parse('2026-11-20T00:00:00+08:00'), callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0),
      callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 10, gridCalls7d: {}, gridAlerts24h: {} },
  };
}
const c = (id: string, minutes: number, grid = 'g1'): WallCall => ({ id, t: T0 + minutes * 60_000, category: 'traffic', priority: 2, lon: 110.3, lat: 34.5, gridId: grid, townCode: 't', state: 'received' });

test('calls: newest first whatever the arrival order, each counted once', () => {
  const at = T0 + 5 * 60_000;
  let s = apply(empty(), { seq: 1, at, type: 'calls', items: [c('a', 1), c('b', 3)] }, TZ);
  s = apply(s, { seq: 2, at, type: 'calls', items: [c('late', 2)] }, TZ);
  s = apply(s, { seq: 3, at, type: 'calls', items: [c('b', 3), c('d', 4)] }, TZ);
  assert.deepEqual(s.incidents.map((x) => x.id), ['d', 'b', 'late', 'a']);
  assert.equal(s.figures.callsToday, 4);
  assert.equal(s.gridCalls.g1, 4);
  assert.equal(s.figures.callsByHourToday[10], 4);
  assert.equal(s.newestEventAt, T0 + 4 * 60_000);
});

test('data age counts only events at or before the server clock: a device running ahead cannot hide 数据中断', () => {
  let s = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('now', 0)] }, TZ);
  s = apply(s, { seq: 2, at: T0 + 1000, type: 'calls', items: [c('ahead', 10)] }, TZ);
  s = apply(s, { seq: 3, at: T0 + 2000, type: 'units', items: [{ unitId: 'u', t: T0 + 3_600_000, status: 'available', lon: 110, lat: 34, incidentId: null }] }, TZ);
  assert.equal(s.newestEventAt, T0, 'the events ahead are held, but say nothing of freshness');
  assert.deepEqual(s.incidents.map((x) => x.id), ['ahead', 'now']);
});

test('an alert a delta repeats (already in the snapshot) is held once', () => {
  const a = { id: 'al1', t: T0, type: 'crowd' as const, cameraId: 'cam1', gridId: 'g1', lon: 110, lat: 34 };
  let s = apply(empty(), { seq: 1, at: T0, type: 'alerts', items: [a] }, TZ);
  s = apply(s, { seq: 2, at: T0, type: 'alerts', items: [a, { ...a, id: 'al2' }] }, TZ);
  assert.deepEqual(s.alerts.map((x) => x.id).sort(), ['al1', 'al2']);
});

test('a delta at or below the state sequence is never applied twice', () => {
  const s1 = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('a', 1)] }, TZ);
  const s2 = apply(s1, { seq: 1, at: T0, type: 'calls', items: [c('x', 2)] }, TZ);
  assert.equal(s2, s1);
});

test('unchanged slices keep their identity; dispatch and arrival move an incident on', () => {
  const s1 = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('a', 1)] }, TZ);
  const s2 = apply(s1, { seq: 2, at: T0, type: 'dispatches', items: [{ incidentId: 'a', unitId: 'u', t: T0 + 120_000 }] }, TZ);
  assert.equal(s2.gridCalls, s1.gridCalls);
  assert.equal(s2.cases, s1.cases);
  assert.equal(s2.incidents[0]!.state, 'dispatched');
  const s3 = apply(s2, { seq: 3, at: T0, type: 'units', items: [{ unitId: 'u', t: T0 + 600_000, status: 'on_scene', lon: 110.3, lat: 34.5, incidentId: 'a' }] }, TZ);
  assert.equal(s3.incidents[0]!.state, 'on_scene');
  // A late "en route" does not move it back.
  const s4 = apply(s3, { seq: 4, at: T0, type: 'units', items: [{ unitId: 'u', t: T0 + 300_000, status: 'en_route', lon: null, lat: null, incidentId: 'a' }] }, TZ);
  assert.equal(s4.incidents[0]!.state, 'on_scene');
  assert.deepEqual(dispatchCounts(s4), { received: 0, dispatched: 0, en_route: 0, on_scene: 1, handled: 0, closed: 0 });
});

test('cameras go offline and come back; cases leave when resolved; warnings come and go', () => {
  let s = apply(empty(), { seq: 1, at: T0, type: 'alerts', items: [{ id: 'x', t: T0, type: 'camera_offline', cameraId: 'C1', gridId: 'g1', lon: 0, lat: 0 }] }, TZ);
  assert.ok('C1' in s.offlineCameras);
  s = apply(s, { seq: 2, at: T0, type: 'alerts', items: [{ id: 'y', t: T0 + 1000, type: 'crowd', cameraId: 'C1', gridId: 'g1', lon: 0, lat: 0 }] }, TZ);
  assert.ok(!('C1' in s.offlineCameras));
  s = apply(s, { seq: 3, at: T0, type: 'cases', items: [{ caseId: 'k', t: T0, status: 'mediating', level: 'village', risk: 'red', gridId: 'g1' }] }, TZ);
  assert.equal(s.cases.k!.level, 'village');
  s = apply(s, { seq: 4, at: T0, type: 'cases', items: [{ caseId: 'k', t: T0 + 1, status: 'resolved', level: 'village', risk: 'red', gridId: 'g1' }] }, TZ);
  assert.ok(!('k' in s.cases));
  s = apply(s, { seq: 5, at: T0, type: 'warnings', items: [{ id: 'w', rule: 'red_case', colour: 'red', regionCode: 'g1', reason: 'r', raisedAt: T0, status: 'raised' }] }, TZ);
  assert.ok('w' in s.warnings);
  s = apply(s, { seq: 6, at: T0, type: 'warnings', items: [{ id: 'w', rule: 'red_case', colour: 'red', regionCode: 'g1', reason: 'r', raisedAt: T0, status: 'resolved' }] }, TZ);
  assert.ok(!('w' in s.warnings));
});

test('prune drops calls older than 24 h and their grid counts', () => {
  const s = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('old', -60 * 23), c('new', 1, 'g2')] }, TZ);
  const p = prune(s, T0 + 2 * 3_600_000);
  assert.deepEqual(p.incidents.map((x) => x.id), ['new']);
  assert.deepEqual(p.gridCalls, { g2: 1 });
  assert.equal(prune(p, T0 + 2 * 3_600_000), p, 'nothing to drop: same object');
});

test('a call stamped ahead of the server clock is listed at once but counted only when its time has come, as the database figures count', () => {
  let s = apply(empty(), { seq: 1, at: T0, type: 'calls', items: [c('now', 0), c('fast', 5)] }, TZ);
  assert.deepEqual(s.incidents.map((x) => x.id), ['fast', 'now'], 'listed by its own time');
  assert.equal(s.figures.callsToday, 1, 'the fast clock\'s call is not counted yet');
  assert.equal(s.gridCalls.g1, 2, 'held calls per grid count the list, as the snapshot does');
  assert.equal(s.figures.callsByHourToday[10], 1);
  assert.deepEqual(s.figures.byCategoryToday, { traffic: 1 });
  // A refresh from the database as of T0 says 1 too: the count does not step back.
  s = apply(s, { seq: 2, at: T0 + 1000, type: 'figures', figures: { ...s.figures, callsToday: 1 } }, TZ);
  assert.equal(s.figures.callsToday, 1);
  // Once the server clock is past it, a late-delivered call stamped before then counts at once.
  s = apply(s, { seq: 3, at: T0 + 6 * 60_000, type: 'calls', items: [c('slow', 4)] }, TZ);
  assert.equal(s.figures.callsToday, 2);
});
