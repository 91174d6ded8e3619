/** The console's queue order, its ticking wait clock, the match between wall calls and API incidents, and where sign-in returns to. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncidentView } from '@watchfloor/config/dispatch';
import type { WallCall } from '@watchfloor/config/wall';
import { afterLogin } from '../../web/src/console/after-login';
import { incidentOf, queueOf, waitClock, wallCallOf } from '../../web/src/console/queue';

const T0 = Date.parse('2026-11-20T10:00:00+08:00');
function inc(id: string, over: Partial<IncidentView> = {}): IncidentView {
  return {
    id, status: 'received', priority: 2, category: 'traffic', gridId: null, lon: 110.25, lat: 34.55, assignedUnitId: null, assignedBy: null, version: 0,
    receivedAt: new Date(T0).toISOString(), dispatchedAt: null, enRouteAt: null, onSceneAt: null, handledAt: null, closedAt: null, ...over,
  };
}
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

test('the queue: unassigned, then active, each by priority then longest wait; finished ones left out', () => {
  const q = queueOf([
    inc('p2-new', { priority: 2, receivedAt: at(5) }),
    inc('p1-new', { priority: 1, receivedAt: at(4) }),
    inc('p2-old', { priority: 2, receivedAt: at(1) }),
    inc('p1-old', { priority: 1, receivedAt: at(2) }),
    inc('sent', { priority: 3, status: 'dispatched', receivedAt: at(0) }),
    inc('there', { priority: 1, status: 'on_scene', receivedAt: at(3) }),
    inc('done', { status: 'handled' }),
    inc('closed', { status: 'closed' }),
  ]);
  assert.deepEqual(q.unassigned.map((i) => i.id), ['p1-old', 'p1-new', 'p2-old', 'p2-new']);
  assert.deepEqual(q.active.map((i) => i.id), ['there', 'sent']);
});

test('the wait clock: mm:ss under an hour, h:mm from an hour on', () => {
  assert.equal(waitClock(0), '00:00');
  assert.equal(waitClock(-5000), '00:00');
  assert.equal(waitClock(65_999), '01:05');
  assert.equal(waitClock(59 * 60_000 + 59_000), '59:59');
  assert.equal(waitClock(3_600_000), '1:00');
  assert.equal(waitClock(2 * 3_600_000 + 7 * 60_000 + 30_000), '2:07');
});

test('a wall call and its incident: the same id, or (a display reference) the same time and point', () => {
  const i = inc('13812341234 张三');
  const call: WallCall = { id: '警情#a1b2c3d4', t: T0, category: 'traffic', priority: 2, lon: 110.25, lat: 34.55, gridId: null, townCode: null, state: 'received' };
  const other: WallCall = { ...call, id: 'C-2', t: T0 + 1 };
  assert.equal(wallCallOf(i, [other, call]), call);
  assert.equal(incidentOf(call, [inc('C-9', { receivedAt: at(1) }), i]), i);
  assert.equal(incidentOf({ ...call, id: 'C-9', t: 0 }, [inc('C-9', { receivedAt: at(1) })])?.id, 'C-9');
  assert.equal(incidentOf(other, [i]), undefined);
});

test('after sign-in: back to a local path only', () => {
  assert.equal(afterLogin('?next=%2Fconsole'), '/console');
  assert.equal(afterLogin('?next=%2Fwall%3Ftoken%3Dx'), '/wall?token=x');
  assert.equal(afterLogin(''), '/console');
  assert.equal(afterLogin('?next=https%3A%2F%2Fevil.example'), '/console');
  assert.equal(afterLogin('?next=%2F%2Fevil.example'), '/console');
  assert.equal(afterLogin('?next=%2F%5Cevil.example'), '/console');
});
