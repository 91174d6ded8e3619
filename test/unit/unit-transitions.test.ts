/**
 * The field's unit.status transitions (config/src/contracts/unit-transitions.ts): the table
 * covers every status, the impossible moves are refused with their reason, and the checks on
 * the incident a report names (assigned to another unit, closed, left without a release).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ENGAGED_UNIT_STATUSES, INCIDENT_CLOSE_AFTER_MS, UNIT_STATUSES, UNIT_TRANSITIONS, incidentAfterReport, judgeUnitReport,
  type UnitNow, type UnitReport, type UnitStatusCode,
} from '@watchfloor/config/contracts';

const T = Date.parse('2026-11-20T10:00:00+08:00');
const now = (status: UnitStatusCode, incidentId: string | null = null): UnitNow => ({ status, incidentId, at: T });
const rep = (status: UnitStatusCode, incidentId: string | null = null, at = T + 60_000): UnitReport => ({ unitId: 'U1', status, incidentId, at });
const refusal = (v: ReturnType<typeof judgeUnitReport>) => (v.ok ? null : v.refusal);

test('the table names every status, every status may repeat, and targets are statuses', () => {
  assert.deepEqual(Object.keys(UNIT_TRANSITIONS).sort(), [...UNIT_STATUSES].sort());
  for (const s of UNIT_STATUSES) {
    assert.ok(UNIT_TRANSITIONS[s].includes(s), `${s} repeats`);
    for (const t of UNIT_TRANSITIONS[s]) assert.ok((UNIT_STATUSES as readonly string[]).includes(t));
  }
  // Every engaged status may be left by a release.
  for (const s of ENGAGED_UNIT_STATUSES) assert.ok(UNIT_TRANSITIONS[s].includes('available'), `${s} → available`);
});

test('impossible status orders are refused: backwards on an incident, off duty straight to a call, busy with an incident held', () => {
  const impossible: [UnitStatusCode, UnitStatusCode][] = [
    ['on_scene', 'en_route'], ['on_scene', 'dispatched'], ['en_route', 'dispatched'], ['off_duty', 'en_route'],
    ['off_duty', 'on_scene'], ['off_duty', 'dispatched'], ['dispatched', 'off_duty'], ['on_scene', 'busy'],
  ];
  for (const [from, to] of impossible) {
    assert.equal(refusal(judgeUnitReport(now(from, 'C1'), rep(to, 'C1'), null)), 'status_order', `${from} → ${to}`);
  }
  const possible: [UnitStatusCode, UnitStatusCode][] = [
    ['available', 'dispatched'], ['dispatched', 'en_route'], ['en_route', 'on_scene'], ['on_scene', 'available'],
    ['available', 'on_scene'], ['dispatched', 'on_scene'], ['en_route', 'en_route'], ['off_duty', 'available'],
  ];
  for (const [from, to] of possible) assert.equal(refusal(judgeUnitReport(now(from, 'C1'), rep(to, 'C1'), null)), null, `${from} → ${to}`);
  // A unit never seen before: no state to judge its status against.
  assert.equal(refusal(judgeUnitReport(null, rep('on_scene', 'C1'), null)), null);
});

test('a unit on an incident leaves it only by a release naming it', () => {
  assert.equal(refusal(judgeUnitReport(now('on_scene', 'C1'), rep('available'), null)), 'not_released');
  assert.equal(refusal(judgeUnitReport(now('en_route', 'C1'), rep('available', 'C2'), null)), 'not_released');
  assert.equal(refusal(judgeUnitReport(now('en_route', 'C1'), rep('on_scene', 'C2'), null)), 'other_incident');
  assert.equal(refusal(judgeUnitReport(now('dispatched', 'C1'), rep('en_route', 'C2'), null)), 'other_incident');
  assert.equal(refusal(judgeUnitReport(now('on_scene', 'C1'), rep('available', 'C1'), null)), null);
  // Released from C1 (available naming it): free for anything.
  assert.equal(refusal(judgeUnitReport(now('available', 'C1'), rep('en_route', 'C2'), null)), null);
});

test('the incident named: assigned to another unit, or closed, refuses the report', () => {
  const other = { unitId: 'U2', closedAt: null };
  assert.equal(refusal(judgeUnitReport(now('available'), rep('en_route', 'C1'), other)), 'other_unit');
  assert.equal(refusal(judgeUnitReport(now('available'), rep('available', 'C1'), other)), 'other_unit');
  // busy and off_duty say nothing of an incident, so they are not held against it.
  assert.equal(refusal(judgeUnitReport(now('available'), rep('busy', 'C1'), other)), null);
  const mine = { unitId: 'U1', closedAt: null };
  assert.equal(refusal(judgeUnitReport(now('dispatched', 'C1'), rep('en_route', 'C1'), mine)), null);
  const closed = { unitId: null, closedAt: T };
  assert.equal(refusal(judgeUnitReport(now('available'), rep('on_scene', 'C1'), closed)), 'incident_closed');
  assert.equal(refusal(judgeUnitReport(now('available'), rep('on_scene', 'C1', T - 1), { unitId: null, closedAt: T })), null, 'before it closed');
  const detail = judgeUnitReport(now('available'), rep('en_route', 'C1'), other);
  assert.ok(!detail.ok && detail.detail === 'unit U1 en_route on C1, assigned to U2', 'the reason names ids and codes only');
});

test('an accepted report moves the incident as the store does: the first unit holds it, the earliest release closes it', () => {
  let i = incidentAfterReport({ unitId: null, closedAt: null }, rep('en_route', 'C1'));
  assert.equal(i.unitId, 'U1');
  i = incidentAfterReport(i, { ...rep('available', 'C1', T + 10 * 60_000), unitId: 'U2' });
  assert.equal(i.unitId, 'U1');
  assert.equal(i.closedAt, T + 10 * 60_000 + INCIDENT_CLOSE_AFTER_MS);
  i = incidentAfterReport(i, rep('available', 'C1', T + 5 * 60_000));
  assert.equal(i.closedAt, T + 5 * 60_000 + INCIDENT_CLOSE_AFTER_MS);
});
