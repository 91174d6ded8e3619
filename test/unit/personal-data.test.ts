/** Personal data never in clear where it does not belong: phones in text, free-text ids on display, the hash key. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { containsPhone, displayId, displayWarningIds, redactPhones, setReferenceKey } from '@watchfloor/config/privacy';
import { enrich } from '@watchfloor/ingest/pipeline/enrich';
import { phoneProtector, resolvePhoneKey } from '@watchfloor/ingest/pipeline/privacy';
import { toWallDelta } from '@watchfloor/ingest/live/wall-deltas';
import { call } from '../support/events';
import { tongguan, tongguanGrids } from '../support/region';
import { alertRec, at, callRec, caseRec, engine, iso, stored } from '../support/rules';

const masked: [string, string][] = [
  ['13812345678', '138****5678'],
  ['138-1234-5678', '138****5678'],
  ['138 1234 5678', '138****5678'],
  ['138.1234.5678', '138****5678'],
  ['138  1234  5678', '138****5678'],
  ['+86 138 1234 5678', '138****5678'],
  ['+8613812345678', '138****5678'],
  ['008613812345678', '138****5678'],
  ['(+86)138-1234-5678', '138****5678'],
  ['１３８１２３４５６７８', '138****5678'],
  ['１３８－１２３４－５６７８', '138****5678'],
  ['(0913) 345-6789', '0913-****6789'],
  ['（0913）3456789', '0913-****6789'],
  ['0913-3456789', '0913-****6789'],
  ['0913 345 6789', '0913-****6789'],
  ['029-88886666', '029-****6666'],
  ['02988886666', '029-****6666'],
  ['报警人电话13812345678，请回电', '报警人电话138****5678，请回电'],
  ['2026-12-01 13812345678', '2026-12-01 138****5678'],
];
const untouched = [
  '2026-12-01', '2026-11-20T08:00:00.123+08:00', '08:30:00', '10:15', '610522101201-03', '610522101201', '610522101',
  'C-2026-000123', 'call-000123', 'MD-20261120-0042', '0000000123', '潼关县城关街道12号院3单元', '共 138 起',
];

for (const [input, want] of masked) {
  test(`redacts ${input}`, () => {
    const out = redactPhones(input);
    assert.equal(out, want);
  });
}
test('leaves dates, times, ids, grid and region codes alone', () => {
  for (const s of untouched) assert.equal(redactPhones(s), s, s);
});

test('containsPhone says what redaction says, the shortest phones (ten digits) included', () => {
  for (const [input] of masked) assert.equal(containsPhone(input), true, input);
  assert.equal(containsPhone('029-888-6666'), true);
  for (const s of untouched) assert.equal(containsPhone(s), false, s);
  const part = fc.constantFrom('0', '1', '2', '3', '8', '9', '６', '-', ' ', '(', ')', '+', 'a', '号');
  fc.assert(fc.property(fc.array(part, { maxLength: 24 }).map((a) => a.join('')), (s) => containsPhone(s) === (redactPhones(s) !== s)), { numRuns: 3000 });
});

test('display ids: internal references as they are, anything else a short hash reference', () => {
  assert.equal(displayId('case', 'MD-2026-0042'), 'MD-2026-0042');
  assert.equal(displayId('call', 'C-1/2:3_4.5'), 'C-1/2:3_4.5');
  for (const id of ['张三 13912345678', '13912345678', 'MD 2026', '李四的纠纷', 'x'.repeat(65)]) {
    const d = displayId('case', id);
    assert.match(d, /^案件#[0-9a-f]{8}$/, id);
    assert.equal(displayId('case', id), d, 'stable');
  }
  assert.notEqual(displayId('case', '张三 13912345678'), displayId('case', '张三 13912345679'));
});

test('a caseId carrying a name and a phone never reaches a warning reason', () => {
  const e = engine();
  const caseId = '张三 13912345678';
  const ch = e.ingest([
    caseRec({ caseId, changedAt: iso('2026-11-16 09:00'), risk: 'red' }),
    caseRec({ caseId, status: 'mediating', changedAt: iso('2026-11-16 09:40'), risk: 'red' }),
  ]);
  ch.push(...e.sweep(at('2026-11-18 12:00')));
  const rules = new Set(ch.map((c) => c.warning.rule));
  assert.ok(rules.has('red_case') && rules.has('case_deadline'), [...rules].join());
  for (const c of ch) {
    assert.doesNotMatch(c.warning.reason, /张三|13912345678|139\*+5678/, c.warning.reason);
    assert.match(c.warning.reason, /案件#[0-9a-f]{8}/);
  }
});

test('wall deltas carry a case in its display form only', () => {
  const rec = caseRec({ caseId: '张三 13912345678', changedAt: iso('2026-11-16 09:00') });
  const d = toWallDelta({ topic: 'case.status', records: [rec], source: 'bus' } as never);
  assert.doesNotMatch(JSON.stringify(d), /张三|13912345678/);
});

test('wall deltas carry every free-text id in its display form, the same for a call, a dispatch and a unit', () => {
  const raw = '张三 13912345678';
  const callD = toWallDelta({ topic: 'police.calls', records: [callRec({ id: raw, receivedAt: iso('2026-11-16 09:00') })], source: 'bus' } as never);
  const alertD = toWallDelta({ topic: 'camera.alerts', records: [alertRec({ id: raw, cameraId: raw, occurredAt: iso('2026-11-16 09:00'), location: { lon: 110.2475, lat: 34.5438 } })], source: 'bus' } as never);
  const dispD = toWallDelta({ topic: 'dispatch.commands', records: [stored({ topic: 'dispatch.commands', value: { id: 'D-1', incidentId: raw, unitId: raw, by: 'duty', at: iso('2026-11-16 09:01') } })], source: 'bus' } as never);
  const unitD = toWallDelta({ topic: 'unit.status', records: [stored({ topic: 'unit.status', value: { unitId: raw, at: iso('2026-11-16 09:02'), status: 'en_route', incidentId: raw } })], source: 'bus' } as never);
  for (const d of [callD, alertD, dispD, unitD]) assert.doesNotMatch(JSON.stringify(d), /张三|13912345678/);
  const ref = displayId('call', raw);
  assert.ok(callD.type === 'calls' && callD.items[0]!.id === ref);
  assert.ok(dispD.type === 'dispatches' && dispD.items[0]!.incidentId === ref && dispD.items[0]!.unitId === displayId('unit', raw));
  assert.ok(unitD.type === 'units' && unitD.items[0]!.incidentId === ref && unitD.items[0]!.unitId === displayId('unit', raw));
  assert.ok(alertD.type === 'alerts' && alertD.items[0]!.cameraId === displayId('camera', raw));
});

test('warning subjects and evidence are shown in the display form of their kind', () => {
  const raw = '张三 13912345678';
  assert.deepEqual(displayWarningIds({ rule: 'dispatch_delay', subject: raw, evidence: [raw, 'C-1'] }), { subject: displayId('call', raw), evidence: [displayId('call', raw), 'C-1'] });
  assert.deepEqual(displayWarningIds({ rule: 'red_case', subject: raw, evidence: [raw] }), { subject: displayId('case', raw), evidence: [displayId('case', raw)] });
  // Places are shown as they are; a crowd's evidence are alerts.
  assert.deepEqual(displayWarningIds({ rule: 'crowd_cluster', subject: '610522001005-14', evidence: [raw] }), { subject: '610522001005-14', evidence: [displayId('alert', raw)] });
});

test('phones in a call summary and address are stored masked, still readable', () => {
  const ctx = { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('test-key-0123456789abcdef') };
  const r = enrich(ctx, { topic: 'police.calls', value: call({
    summary: '报警人称邻居吵闹，回电 138 1234 5678 或 (0913) 345-6789',
    location: { lon: 110.2475, lat: 34.5438, address: '城关街道某路12号 联系人１３９１２３４５６７８' },
  }) });
  assert.ok(r.ok);
  if (r.ok && r.record.topic === 'police.calls') {
    assert.equal(r.record.event.summary, '报警人称邻居吵闹，回电 138****5678 或 0913-****6789');
    assert.equal(r.record.event.location.address, '城关街道某路12号 联系人139****5678');
  }
});

test('a missing phone-hash key fails loudly when stored hashes exist; otherwise one is created once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-key-'));
  try {
    await assert.rejects(resolvePhoneKey(undefined, dir, { hashesExist: async () => true }), (err: Error) => {
      assert.match(err.message, /phone-hash\.key is missing .* restore the key file/);
      return true;
    });
    assert.equal(fs.existsSync(path.join(dir, 'phone-hash.key')), false, 'no new key made');
    const k = await resolvePhoneKey(undefined, dir, { hashesExist: async () => false });
    assert.match(k, /^[0-9a-f]{64}$/);
    // Present now: read back, whatever the store holds.
    assert.equal(await resolvePhoneKey(undefined, dir, { hashesExist: async () => true }), k);
    assert.equal(await resolvePhoneKey('explicit-key-0123456789', dir, { hashesExist: async () => true }), 'explicit-key-0123456789');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Last in this file: the key stays set for the rest of the process.
test('display references are keyed once a process sets its key: a phone-only id cannot be found by trying numbers', () => {
  const id = '13912345678';
  const unkeyed = displayId('case', id);
  setReferenceKey('key-one-0123456789');
  const one = displayId('case', id);
  setReferenceKey('key-two-0123456789');
  const two = displayId('case', id);
  assert.notEqual(one, unkeyed);
  assert.notEqual(one, two);
  assert.doesNotMatch(one, /1391|5678/);
  setReferenceKey('key-one-0123456789');
  assert.equal(displayId('case', id), one, 'stable under one key');
});
