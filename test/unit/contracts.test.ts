import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOPIC_SCHEMAS, TOPICS, isTopic } from '@watchfloor/config/contracts';
import { validate } from '@watchfloor/ingest/pipeline/validate';
import { alert, call, caseChange, dispatch, unitStatus } from '../support/events';

const valid = {
  'police.calls': call(),
  'camera.alerts': alert(),
  'case.status': caseChange(),
  'unit.status': unitStatus(),
  'dispatch.commands': dispatch(),
} as const;

test('every topic has a schema and a valid example passes it', () => {
  assert.deepEqual([...TOPICS].sort(), Object.keys(valid).sort());
  for (const t of TOPICS) assert.equal(TOPIC_SCHEMAS[t].safeParse(valid[t]).success, true, t);
});

const invalid: [keyof typeof valid, Record<string, unknown>, RegExp][] = [
  ['police.calls', { ...call(), receivedAt: '2026-11-20 10:15' }, /receivedAt/],
  ['police.calls', { ...call(), receivedAt: '2026-11-20T10:15:00' }, /receivedAt: must be an ISO-8601 time with offset/],
  ['police.calls', { ...call(), category: 'dispute' }, /category/],
  ['police.calls', { ...call(), priority: 0 }, /priority/],
  ['police.calls', { ...call(), priority: 4 }, /priority/],
  ['police.calls', { ...call(), summary: 'x'.repeat(2001) }, /summary/],
  ['police.calls', { ...call(), location: { lon: 200, lat: 34 } }, /location\.lon/],
  ['police.calls', { ...call(), gridId: '610522-1' }, /gridId/],
  ['police.calls', { ...call(), callerPhone: 'call me' }, /callerPhone/],
  ['police.calls', { ...call(), source: 'fax' }, /source/],
  ['camera.alerts', { ...alert(), confidence: 1.5 }, /confidence/],
  ['camera.alerts', { ...alert(), type: 'smoke' }, /type/],
  ['camera.alerts', { ...alert(), cameraId: '' }, /cameraId/],
  ['case.status', { ...caseChange(), level: 'province' }, /level/],
  ['case.status', { ...caseChange(), risk: 'green' }, /risk/],
  ['case.status', { ...caseChange(), status: 'done' }, /status/],
  ['case.status', { ...caseChange(), gridId: undefined }, /gridId/],
  ['unit.status', { ...unitStatus(), status: 'lunch' }, /status/],
  ['unit.status', { ...unitStatus(), position: { lon: 110 } }, /position\.lat/],
  ['dispatch.commands', { ...dispatch(), by: '' }, /by/],
  ['dispatch.commands', { ...dispatch(), incidentId: undefined }, /incidentId/],
];

for (const [topic, value, reason] of invalid) {
  test(`${topic} rejects ${reason.source}`, () => {
    const r = validate(topic, value);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, reason);
  });
}

test('a non-object is rejected with a reason, not an exception', () => {
  for (const v of [null, 42, 'text', []]) {
    const r = validate('police.calls', v);
    assert.equal(r.ok, false);
  }
});

test('optional fields may be absent', () => {
  const { callerPhone: _p, source: _s, gridId: _g, ...bare } = call();
  assert.equal(validate('police.calls', { ...bare, location: { lon: 110.25, lat: 34.54 } }).ok, true);
  const { snapshotUrl: _u, location: _l, ...a } = alert();
  assert.equal(validate('camera.alerts', a).ok, true);
});

test('isTopic knows exactly the five topics', () => {
  assert.equal(isTopic('police.calls'), true);
  assert.equal(isTopic('police'), false);
  assert.equal(isTopic('__proto__'), false);
});
