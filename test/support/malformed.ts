/** Malformed police.calls messages, one of each kind of bad input in turn: the kinds issue 11 names, and a few more. */
import { call } from './events';

const KINDS: ((c: ReturnType<typeof call>) => Buffer | string)[] = [
  (c) => JSON.stringify({ ...c, priority: 'high' }), // wrong type
  (c) => { const { id: _drop, ...rest } = c; return JSON.stringify(rest); }, // missing field
  (c) => JSON.stringify({ ...c, summary: 'x'.repeat(50_000) }), // huge string
  () => Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]), // invalid UTF-8
  (c) => JSON.stringify(c).replace(/"lon":[-0-9.]+/, '"lon":NaN'), // NaN coordinate (not JSON)
  (c) => JSON.stringify({ ...c, location: { ...c.location, lon: 'NaN' } }),
  (c) => JSON.stringify({ ...c, receivedAt: '2099-01-01T00:00:00+08:00' }), // far future
  (c) => JSON.stringify({ ...c, summary: 'a\u0000b' }), // NUL: PostgreSQL text cannot hold it
  (c) => JSON.stringify({ ...c, id: 'x\u0000y' }),
  () => 'null',
  () => '[]',
  () => '',
];

export const MALFORMED_KINDS = KINDS.length;

export function malformed(i: number): Buffer {
  const v = KINDS[i % KINDS.length]!(call());
  return typeof v === 'string' ? Buffer.from(v) : v;
}
