/** dispatch_delay: urgent calls not dispatched in time; dispatched units not on scene in time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WarningChange } from '@watchfloor/config/rules';
import { at, callRec, dispatchRec, engine, HOUR, iso, MIN, unitRec } from '../support/rules';

const R = 30_000;
const T0 = at('2026-11-20 21:00');
const only = (c: WarningChange) => c.warning.rule === 'dispatch_delay';
const steps = (ch: WarningChange[]) => ch.filter(only).map((c) => [c.kind, c.warning.colour, (c.kind === 'resolved' ? c.warning.resolvedAt! : c.warning.updatedAt) - T0]);

test('a priority-1 call: yellow at 3 min, red at 5 min undispatched; dispatch resolves it and starts the arrival clock', () => {
  const e = engine();
  const call = callRec({ id: 'C-P1', receivedAt: iso(T0), priority: 1, category: 'criminal' });
  const ch = e.ingest([call]);
  for (let m = 1; m <= 6; m++) ch.push(...e.sweep(T0 + m * MIN - 1000 + R));
  ch.push(...e.ingest([dispatchRec('C-P1', iso(T0 + 6 * MIN)), unitRec('C-P1', iso(T0 + 6 * MIN + 20_000), 'en_route')]));
  for (let m = 7; m <= 40; m += 3) ch.push(...e.sweep(T0 + m * MIN + R));
  ch.push(...e.ingest([unitRec('C-P1', iso(T0 + 40 * MIN), 'on_scene')]), ...e.sweep(T0 + 41 * MIN + R));
  assert.deepEqual(steps(ch), [
    ['raised', 'yellow', 3 * MIN],
    ['updated', 'red', 5 * MIN],
    ['resolved', 'red', 6 * MIN],
    ['raised', 'yellow', 21 * MIN], // dispatched at 6 → not on scene by 6 + 15
    ['updated', 'red', 36 * MIN], // … nor by 6 + 30
    ['resolved', 'red', 40 * MIN],
  ]);
  const reasons = ch.filter(only).map((c) => c.warning.reason);
  assert.match(reasons[0]!, /一级警情（刑事）C-P1 接警超过 3 分钟未派警/);
  assert.match(reasons[1]!, /接警超过 5 分钟未派警/);
  assert.match(reasons[4]!, /派警超过 30 分钟未到场/);
  assert.notEqual(ch.filter(only)[0]!.warning.id, ch.filter(only)[3]!.warning.id, 'two episodes, two ids');
  assert.equal(e.stats().subjects.dispatch_delay, 0, 'the incident leaves the state once on scene');
});

test('in time: no warning; priority 3 is not watched', () => {
  const e = engine();
  const ch = e.ingest([
    callRec({ id: 'C-OK', receivedAt: iso(T0), priority: 1 }), dispatchRec('C-OK', iso(T0 + 2 * MIN)), unitRec('C-OK', iso(T0 + 12 * MIN), 'on_scene'),
    callRec({ id: 'C-P3', receivedAt: iso(T0), priority: 3 }),
  ]);
  ch.push(...e.sweep(T0 + 3 * HOUR));
  assert.deepEqual(steps(ch), []);
});

test('a dispatch stamped before its call (clock skew) is matched up, not lost', () => {
  const e = engine();
  const ch = e.ingest([dispatchRec('C-SKEW', iso(T0 - 20_000)), callRec({ id: 'C-SKEW', receivedAt: iso(T0), priority: 1 }), unitRec('C-SKEW', iso(T0 + 5 * MIN), 'on_scene')]);
  ch.push(...e.sweep(T0 + HOUR));
  assert.deepEqual(steps(ch), []);
});

test('never dispatched: the warning is history after expireAfterHours, and the state is dropped', () => {
  const e = engine();
  const ch = e.ingest([callRec({ id: 'C-LOST', receivedAt: iso(T0), priority: 1 })]);
  ch.push(...e.sweep(T0 + 13 * HOUR));
  assert.deepEqual(steps(ch), [['raised', 'yellow', 3 * MIN], ['updated', 'red', 5 * MIN], ['resolved', 'red', 12 * HOUR]]);
  assert.equal(e.stats().subjects.dispatch_delay, 0);
});
