import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PARTITION_KEY, TOPIC_DESCRIPTORS, TOPIC_SCHEMAS, TOPICS, identityOf, isTopic, timeOf } from '@watchfloor/config/contracts';
import { validate } from '@watchfloor/ingest/pipeline/validate';
import { alert, call, caseChange, dispatch, unitStatus } from '../support/events';

const NOW = Date.parse('2026-11-21T00:00:00Z');
const at = { now: NOW };

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
    const r = validate(topic, value, at);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, reason);
  });
}

test('a non-object is rejected with a reason, not an exception', () => {
  for (const v of [null, 42, 'text', []]) {
    const r = validate('police.calls', v, at);
    assert.equal(r.ok, false);
  }
});

test('optional fields may be absent', () => {
  const { callerPhone: _p, source: _s, gridId: _g, ...bare } = call();
  assert.equal(validate('police.calls', { ...bare, location: { lon: 110.25, lat: 34.54 } }, at).ok, true);
  const { snapshotUrl: _u, location: _l, ...a } = alert();
  assert.equal(validate('camera.alerts', a, at).ok, true);
});

test('isTopic knows exactly the five topics', () => {
  assert.equal(isTopic('police.calls'), true);
  assert.equal(isTopic('police'), false);
  assert.equal(isTopic('__proto__'), false);
});

test('event times are normalised once, at validation, to canonical UTC at millisecond precision', () => {
  const r = validate('case.status', { ...caseChange(), changedAt: '2026-11-20T09:00:00.9999999+08:00' }, at);
  assert.ok(r.ok);
  assert.equal(r.value.changedAt, '2026-11-20T01:00:00.999Z');
  // Two spellings of one instant are one identity.
  const a = validate('unit.status', { ...unitStatus(), at: '2026-11-20T10:20:00+08:00' }, at);
  const b = validate('unit.status', { ...unitStatus(), at: '2026-11-20T02:20:00.000000Z' }, at);
  assert.ok(a.ok && b.ok);
  assert.equal(identityOf('unit.status', a.value), identityOf('unit.status', b.value));
});

test('every topic has one descriptor: its time field, identity and partition key read the event', () => {
  for (const t of TOPICS) {
    const d = TOPIC_DESCRIPTORS[t];
    assert.equal(d.topic, t);
    assert.equal(d.schema, TOPIC_SCHEMAS[t]);
    const r = validate(t, valid[t], at);
    assert.ok(r.ok, t);
    assert.equal(Reflect.get(r.value, d.timeField), timeOf(t, r.value));
    assert.equal(PARTITION_KEY[t](valid[t]), Reflect.get(valid[t], d.partitionField));
  }
});

const unstorable: [string, keyof typeof valid, unknown, RegExp, string][] = [
  ['a NUL in a string', 'police.calls', { ...call(), summary: 'a\u0000b' }, /summary: contains a NUL/, 'unstorable'],
  ['a NUL nested deep', 'police.calls', { ...call(), location: { lon: 110.2, lat: 34.5, address: 'x\u0000' } }, /location\.address: contains a NUL/, 'unstorable'],
  ['a NUL in an unknown field', 'camera.alerts', { ...alert(), extra: ['\u0000'] }, /extra\.0: contains a NUL/, 'unstorable'],
  ['year 0000', 'police.calls', { ...call(), receivedAt: '0000-01-01T00:00:00Z' }, /receivedAt: year must be between 1900 and 9999/, 'unstorable'],
  ['year 1899', 'case.status', { ...caseChange(), changedAt: '1899-12-31T23:59:59+08:00' }, /changedAt: year must be between/, 'unstorable'],
  ['offset +16:00', 'unit.status', { ...unitStatus(), at: '2026-11-20T10:20:00+16:00' }, /at: UTC offset \+16:00 is beyond ±15:59/, 'unstorable'],
  ['offset -16:30', 'dispatch.commands', { ...dispatch(), at: '2026-11-20T10:20:00-16:30' }, /UTC offset -16:30/, 'unstorable'],
  ['a deeply nested array', 'police.calls', JSON.parse('['.repeat(5000) + ']'.repeat(5000)), /nested deeper than 16 levels/, 'too_deep'],
  ['9999-01-01', 'police.calls', { ...call(), receivedAt: '9999-01-01T00:00:00Z' }, /receivedAt: 9999-01-01T00:00:00.000Z is more than 900 s ahead/, 'future'],
];

for (const [what, topic, value, reason, code] of unstorable) {
  test(`refused with a reason and a code: ${what}`, () => {
    const r = validate(topic, value, at);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.reason, reason);
      assert.equal(r.code, code);
    }
  });
}

test('event-time sanity: up to the skew ahead of the clock is accepted, beyond it refused; the past is kept', () => {
  const t = (ms: number) => new Date(ms).toISOString();
  assert.equal(validate('police.calls', { ...call(), receivedAt: t(NOW + 899_000) }, at).ok, true);
  const r = validate('police.calls', { ...call(), receivedAt: t(NOW + 901_000) }, at);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.code, 'future');
  assert.equal(validate('police.calls', { ...call(), receivedAt: t(NOW + 901_000) }, { now: NOW, maxSkewSeconds: 3600 }).ok, true);
  for (const past of ['1900-01-01T00:00:00Z', '2019-03-03T08:00:00+08:00', '2025-11-21T00:00:00+08:00']) {
    assert.equal(validate('police.calls', { ...call(), receivedAt: past }, at).ok, true, past);
  }
});

test('schema mismatches are code "schema"', () => {
  const r = validate('police.calls', { ...call(), priority: 9 }, at);
  assert.ok(!r.ok && r.code === 'schema');
});
