/**
 * A message's size is judged before it is parsed (EVENT_MAX_BYTES): the bound must hold every
 * valid event, a bigger message is refused as too_large, and what its dead letter keeps is
 * short and masked. The dead-letter topic's sends stay under the broker's request limit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_MAX_BYTES } from '@watchfloor/config/contracts';
import { deadLetterPayload, decode, TOO_LARGE_PAYLOAD_KEPT } from '@watchfloor/ingest/pipeline/decode';
import { validate } from '@watchfloor/ingest/pipeline/validate';
import { SEND_MAX_BYTES, sendRuns } from '@watchfloor/ingest/kafka/publisher';
import { call, caseChange, dispatch } from '../support/events';

// Each character a control character: JSON writes it as a 6-byte \uXXXX escape, the widest there is.
const wide = (n: number) => '\u0001'.repeat(n);
const now = Date.parse('2026-11-20T12:00:00+08:00');

test('the widest valid events fit within EVENT_MAX_BYTES, and are decoded and accepted', () => {
  const widest = [
    ['police.calls', call({ id: wide(128), summary: wide(2000), location: { ...call().location, address: wide(500) }, callerPhone: `+${'1'.repeat(24)}` })],
    ['case.status', caseChange({ caseId: wide(128), assignee: wide(128), note: wide(2000), relatedCallId: wide(128) })],
    ['dispatch.commands', dispatch({ id: wide(128), incidentId: wide(128), unitId: wide(128), by: wide(128), instruction: wide(2000) })],
  ] as const;
  for (const [topic, event] of widest) {
    const bytes = Buffer.from(JSON.stringify(event));
    assert.ok(bytes.length < EVENT_MAX_BYTES * 0.75, `${topic}: ${bytes.length} bytes leaves too little room below ${EVENT_MAX_BYTES}`);
    const d = decode({ value: bytes });
    assert.ok(d.ok, `${topic} decoded`);
    assert.equal(validate(topic, d.value, { now }).ok, true, `${topic} valid`);
  }
});

test('a message over EVENT_MAX_BYTES is refused by its size (bytes or text), one at the bound is parsed', () => {
  const big = JSON.stringify(call({ summary: 'x'.repeat(EVENT_MAX_BYTES) }));
  for (const value of [big, Buffer.from(big)]) {
    const d = decode({ value });
    assert.equal(d.ok, false);
    assert.equal(!d.ok && d.code, 'too_large');
    assert.match(!d.ok ? d.reason : '', new RegExp(`${Buffer.byteLength(big)} bytes`));
  }
  // Counted in bytes, not characters: 汉 is three.
  assert.equal((d => !d.ok && d.code)(decode({ value: `"${'汉'.repeat(Math.ceil(EVENT_MAX_BYTES / 3))}"` })), 'too_large');
  const atBound = `"${'x'.repeat(EVENT_MAX_BYTES - 2)}"`;
  assert.equal(Buffer.byteLength(atBound), EVENT_MAX_BYTES);
  assert.equal(decode({ value: atBound }).ok, true);
});

test('a dead letter keeps its cut payload masked: no phone number survives the cut half-shown', () => {
  // A number straddling the cut, another just past it.
  for (let shift = 0; shift < 20; shift++) {
    const text = `${'x'.repeat(TOO_LARGE_PAYLOAD_KEPT - shift)}13812345678 then 0913-2345678 ${'y'.repeat(100_000)}`;
    const kept = deadLetterPayload({ value: Buffer.from(text) }, TOO_LARGE_PAYLOAD_KEPT);
    assert.ok(kept.length <= TOO_LARGE_PAYLOAD_KEPT);
    assert.doesNotMatch(kept, /\d{5,}/, `shift ${shift}: ${kept.slice(-16)}`);
  }
  assert.equal(deadLetterPayload({ value: 'call 13812345678' }), 'call 138****5678');
  // Only the kept bytes are decoded, yet as many characters are kept, however wide they are.
  for (const ch of ['汉', 'x', '😀']) {
    const kept = deadLetterPayload({ value: Buffer.from(ch.repeat(100_000)) }, TOO_LARGE_PAYLOAD_KEPT);
    assert.equal(kept.length, TOO_LARGE_PAYLOAD_KEPT, ch);
    assert.equal(kept.replaceAll(ch, ''), '', ch);
  }
});

test('dead-letter sends are cut below the broker limit, in order, none empty', () => {
  const messages = Array.from({ length: 300 }, (_, i) => ({ key: String(i), value: `${i}:${'p'.repeat(i % 3 === 0 ? 65_536 : 200)}` }));
  const runs = sendRuns(messages);
  assert.ok(runs.length > 1);
  assert.deepEqual(runs.flat().map((m) => m.key), messages.map((m) => m.key));
  for (const r of runs) {
    assert.ok(r.length > 0);
    assert.ok(r.reduce((s, m) => s + (m.value === null ? 0 : Buffer.byteLength(m.value)), 0) <= SEND_MAX_BYTES);
  }
  // One message bigger than a run is a run of its own.
  assert.deepEqual(sendRuns([{ value: 'a' }, { value: 'b'.repeat(SEND_MAX_BYTES + 1) }, { value: 'c' }]).map((r) => r.length), [1, 1, 1]);
});
