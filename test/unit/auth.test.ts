/** Password hashes and the audit chain's hashing, without a store. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from '@watchfloor/ingest/auth/password';
import { canonicalJson, entryHash, GENESIS_HASH } from '@watchfloor/ingest/store/audit';

test('scrypt hashes: salted, verified, the wrong password and a malformed hash refused', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^scrypt\$15\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.notEqual(a, b, 'each hash has its own salt');
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('correct horse battery', 'plain'), false);
  assert.equal(await verifyPassword('x', 'scrypt$30$8$1$AAAA$AAAA'), false, 'an absurd cost is not attempted');
});

test('the audit hash covers every field and the previous hash; key order does not matter', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  const e = { seq: 1, at: '2026-12-01T00:00:00.000Z', actor: 'duty1', action: 'warning.ack' as const, target: 'w1', ip: '127.0.0.1', details: { a: 1, b: 'x' } };
  const h = entryHash(GENESIS_HASH, e);
  assert.equal(entryHash(GENESIS_HASH, { ...e, details: { b: 'x', a: 1 } }), h);
  for (const changed of [{ ...e, seq: 2 }, { ...e, actor: 'duty2' }, { ...e, target: 'w2' }, { ...e, ip: null }, { ...e, details: { a: 2, b: 'x' } }, { ...e, at: '2026-12-01T00:00:00.001Z' }]) {
    assert.notEqual(entryHash(GENESIS_HASH, changed), h);
  }
  assert.notEqual(entryHash('1'.repeat(64), e), h);
});
