/**
 * The incident-state rule (config/src/contracts/incident-states.ts) and the domain lists of
 * config/src/contracts/codes.ts are written once: the reducer follows the rule, including
 * 结警 by time, and no store module or migration keeps its own copy of a list.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  CLOSED_CASE_STATUS_LIST, INCIDENT_CLOSE_AFTER_MS, INCIDENT_STATES, UNIT_STATUSES, UNIT_STATUS_MOVES, incidentStateAt, unitStatusesMovingTo,
} from '@watchfloor/config/contracts';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { apply, dispatchCounts, prune, type WallCall, type WallState } from '@watchfloor/config/wall';

const TZ = 'Asia/Shanghai';
const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const MIN = 60_000;

function withCalls(...ids: string[]): WallState {
  const incidents: WallCall[] = ids.map((id, i) => ({
    id, t: T0 - i * MIN, category: 'traffic', priority: 2, lon: 110.3, lat: 34.5, gridId: 'g1', townCode: 't', state: 'received',
  }));
  return {
    epoch: 'e', seq: 0, at: T0, newestEventAt: null, incidents, gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: Date.parse('2026-11-20T00:00:00+08:00'), callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0),
      callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 0, gridCalls7d: {}, gridAlerts24h: {} },
  };
}
const unit = (incidentId: string, status: WallState['units'][string]['status'], t: number) => ({ unitId: `U-${incidentId}-${t}`, t, status, lon: null, lat: null, incidentId });
const stateOf = (s: WallState, id: string) => s.incidents.find((c) => c.id === id)?.state;

test('each unit status moves an incident to at most one state, and the lists given to SQL partition the moves', () => {
  const listed = (['dispatched', 'en_route', 'on_scene', 'handled'] as const).flatMap((m) => unitStatusesMovingTo(m));
  assert.equal(new Set(listed).size, listed.length);
  assert.deepEqual(new Set(listed), new Set(UNIT_STATUSES.filter((s) => UNIT_STATUS_MOVES[s] !== undefined)));
  assert.deepEqual(unitStatusesMovingTo('dispatched'), ['dispatched']);
  assert.deepEqual(unitStatusesMovingTo('en_route'), ['en_route']);
  assert.deepEqual([...INCIDENT_STATES], ['received', 'dispatched', 'en_route', 'on_scene', 'handled', 'closed']);
});

test('an incident is at the furthest step it reached: a later step implies the earlier ones', () => {
  const none = { dispatchedAt: null, enRouteAt: null, onSceneAt: null, handledAt: null, closedAt: null };
  assert.equal(incidentStateAt(none, T0), 'received');
  assert.equal(incidentStateAt({ ...none, dispatchedAt: T0 }, T0), 'dispatched');
  assert.equal(incidentStateAt({ ...none, dispatchedAt: T0, enRouteAt: T0 + MIN }, T0), 'en_route');
  // En route reported by the field without a dispatch anyone saw; on scene without an en-route report.
  assert.equal(incidentStateAt({ ...none, enRouteAt: T0 }, T0), 'en_route');
  assert.equal(incidentStateAt({ ...none, onSceneAt: T0 }, T0), 'on_scene');
  assert.equal(incidentStateAt({ ...none, enRouteAt: T0, onSceneAt: T0 - MIN }, T0), 'on_scene');
});

test('reducer: en route is its own step, reached at the earliest en-route report and never left backwards', () => {
  let s = withCalls('a');
  s = apply(s, { seq: 1, at: T0, type: 'dispatches', items: [{ incidentId: 'a', unitId: 'U1', t: T0 - 3 * MIN }] }, TZ);
  assert.equal(stateOf(s, 'a'), 'dispatched');
  s = apply(s, { seq: 2, at: T0, type: 'units', items: [unit('a', 'en_route', T0 - 2 * MIN)] }, TZ);
  assert.equal(stateOf(s, 'a'), 'en_route');
  assert.deepEqual(dispatchCounts(s), { received: 0, dispatched: 0, en_route: 1, on_scene: 0, handled: 0, closed: 0 });
  s = apply(s, { seq: 3, at: T0, type: 'units', items: [unit('a', 'on_scene', T0 - MIN)] }, TZ);
  // A late dispatch or en-route report does not move it back.
  s = apply(s, { seq: 4, at: T0, type: 'units', items: [unit('a', 'en_route', T0 - 4 * MIN)] }, TZ);
  s = apply(s, { seq: 5, at: T0, type: 'dispatches', items: [{ incidentId: 'a', unitId: 'U1', t: T0 - 5 * MIN }] }, TZ);
  assert.equal(stateOf(s, 'a'), 'on_scene');
});

test('migration 009 back-fills en_route_at from the unit statuses of the config', () => {
  const sql = fs.readFileSync(path.join(REPO_ROOT, 'ingest', 'src', 'store', 'migrations', '009_incident_en_route.sql'), 'utf8');
  const m = /status\s*=\s*ANY\s*\('\{([^}]*)\}'::text\[\]\)/i.exec(sql);
  assert.ok(m, 'the back-fill names its unit statuses');
  assert.deepEqual(m[1]!.split(',').map((x) => x.trim()).sort(), unitStatusesMovingTo('en_route').sort());
});

test('an incident is closed once the quiet time after it was handled has passed, not before', () => {
  const handledAt = T0;
  const times = { dispatchedAt: T0 - 10 * MIN, enRouteAt: T0 - 8 * MIN, onSceneAt: T0 - 5 * MIN, handledAt, closedAt: handledAt + INCIDENT_CLOSE_AFTER_MS };
  assert.equal(incidentStateAt(times, handledAt + INCIDENT_CLOSE_AFTER_MS - 1), 'handled');
  assert.equal(incidentStateAt(times, handledAt + INCIDENT_CLOSE_AFTER_MS), 'closed');
  assert.equal(incidentStateAt({ ...times, handledAt: null, closedAt: null }, T0), 'on_scene');
});

test('reducer: a released unit hands its incident over to handled, and time then closes it', () => {
  let s = withCalls('a', 'b');
  s = apply(s, { seq: 1, at: T0, type: 'units', items: [unit('a', 'on_scene', T0 - 2 * MIN), unit('a', 'available', T0)] }, TZ);
  assert.equal(stateOf(s, 'a'), 'handled');
  assert.equal(s.incidents.find((c) => c.id === 'a')?.closesAt, T0 + INCIDENT_CLOSE_AFTER_MS);
  const quiet = prune(s, T0 + INCIDENT_CLOSE_AFTER_MS - 1);
  assert.equal(quiet, s, 'nothing to close yet: the state keeps its identity');
  const later = prune(s, T0 + INCIDENT_CLOSE_AFTER_MS);
  assert.equal(stateOf(later, 'a'), 'closed');
  assert.equal(stateOf(later, 'b'), 'received');
  assert.equal(dispatchCounts(later).closed, 1);
  // A delta that arrives after the quiet time closes its incident at once (an archive, a late feed).
  const late = apply(s, { seq: 2, at: T0 + 2 * INCIDENT_CLOSE_AFTER_MS, type: 'units', items: [unit('b', 'available', T0)] }, TZ);
  assert.equal(stateOf(late, 'b'), 'closed');
  // busy/off_duty naming an incident say nothing of it; a closed incident never moves back.
  const after = apply(later, { seq: 3, at: T0 + INCIDENT_CLOSE_AFTER_MS, type: 'units', items: [unit('a', 'en_route', T0 + MIN), unit('b', 'busy', T0)] }, TZ);
  assert.equal(stateOf(after, 'a'), 'closed');
  assert.equal(stateOf(after, 'b'), 'received');
});

/** The interval a migration gives closed_at over handled_at, ms; null when it sets none. */
function closeAfterIn(sql: string): number | null {
  const m = /closed_at\s*=\s*handled_at\s*\+\s*INTERVAL\s*'(\d+) milliseconds'/i.exec(sql);
  return m ? Number(m[1]) : null;
}

test('the migration that back-fills closed_at uses the quiet time of the config', () => {
  const dir = path.join(REPO_ROOT, 'ingest', 'src', 'store', 'migrations');
  const found = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
    .map((f) => closeAfterIn(fs.readFileSync(path.join(dir, f), 'utf8'))).filter((v) => v !== null);
  assert.ok(found.length > 0, 'a migration back-fills closed_at');
  assert.equal(found[found.length - 1], INCIDENT_CLOSE_AFTER_MS);
});

test('no store module, query, rule or wall module keeps its own copy of the closed case statuses or the unit-status moves', () => {
  const roots = ['ingest/src/store', 'ingest/src/store/queries', 'ingest/src/store/migrations', 'config/src/wall', 'ingest/src/rules'].map((d) => path.join(REPO_ROOT, d));
  const closedList = CLOSED_CASE_STATUS_LIST.map((s) => `'${s}'`);
  const offenders: string[] = [];
  for (const dir of roots) {
    for (const f of fs.readdirSync(dir).filter((x) => /\.(ts|sql)$/.test(x))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      // Two closed statuses next to each other: a copy of the list.
      if (closedList.some((a) => closedList.some((b) => a !== b && new RegExp(`${a}\\s*,\\s*${b}`).test(text)))) offenders.push(`${f}: closed case statuses`);
      // A unit status compared in SQL or code: a copy of the moves.
      if (/status\s*(=|===|IN\s*\()\s*'(dispatched|en_route|on_scene|available)'/i.test(text)) offenders.push(`${f}: unit-status move`);
      // Store and wall only, for now: rules/cameraOnline.ts still compares the literal.
      if (!dir.endsWith('rules') && /type\s*(<>|=|===)\s*'camera_offline'/.test(text)) offenders.push(`${f}: camera_offline`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('reducer: a unit event older than the unit\'s newest still moves its incident, as in the store (earliest time wins)', () => {
  let s = withCalls('a');
  const u = (status: WallState['units'][string]['status'], t: number) => ({ unitId: 'U1', t, status, lon: null, lat: null, incidentId: 'a' });
  s = apply(s, { seq: 1, at: T0, type: 'units', items: [u('available', T0 - 5 * MIN)] }, TZ);
  assert.equal(stateOf(s, 'a'), 'handled');
  // The same unit's earlier release arrives late: the incident was handled, and so closed, earlier.
  s = apply(s, { seq: 2, at: T0, type: 'units', items: [u('available', T0 - INCIDENT_CLOSE_AFTER_MS - MIN)] }, TZ);
  assert.equal(stateOf(s, 'a'), 'closed');
  assert.equal(s.units.U1?.t, T0 - 5 * MIN, 'the unit keeps its newest news');
});
