import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskPhone, normalizePhone, phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import { redactPhones } from '@watchfloor/ingest/pipeline/redact';

test('masked form keeps the first three and last four digits', () => {
  assert.equal(maskPhone('13812341234'), '138****1234');
  assert.equal(maskPhone('+86 138-1234-1234'), '138****1234');
});

test('the keyed hash is stable, key-dependent and ignores formatting', () => {
  const a = phoneProtector('k'.repeat(32));
  const b = phoneProtector('j'.repeat(32));
  assert.equal(a.hash('13812341234'), a.hash('+86 138 1234 1234'));
  assert.notEqual(a.hash('13812341234'), b.hash('13812341234'));
  assert.notEqual(a.hash('13812341234'), a.hash('13812341235'));
  assert.doesNotMatch(a.hash('13812341234'), /13812341234/);
  assert.equal(normalizePhone('0086 13812341234'), '13812341234');
});

test('dead-letter payloads have phone numbers masked', () => {
  const text = JSON.stringify({ callerPhone: '13812341234', other: '+86-139-0000-1111', landline: '0913-5512345' });
  const r = redactPhones(text);
  assert.doesNotMatch(r, /13812341234|13900001111|5512345/);
  assert.match(r, /138\*\*\*\*1234/);
});
