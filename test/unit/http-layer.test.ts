/** The HTTP layer's parts that need no server: token comparison, log redaction, ingest slicing, metric codes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerToken, queryToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import { createLogger, lineLog } from '@watchfloor/ingest/log';
import type { BatchOutcome, RawMessage } from '@watchfloor/ingest/records';
import { ingestInChunks } from '../../web/src/server/api/ingest-route';

test('tokens: exact match only, any of several, header and query forms', () => {
  assert.ok(tokenIn('wall-token-1', ['admin-token-1', 'wall-token-1']));
  assert.ok(!tokenIn('wall-token', ['wall-token-1']), 'a prefix is not the token');
  assert.ok(!tokenIn('wall-token-12', ['wall-token-1']), 'nor a longer string');
  assert.ok(!tokenIn('', ['']), 'an empty token never matches');
  assert.ok(!tokenIn(null, ['x']));
  assert.equal(bearerToken({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(bearerToken({ authorization: 'Basic abc' }), null);
  assert.equal(queryToken('/socket.io/?EIO=4&token=a%2Bb'), 'a+b');
  assert.equal(queryToken('/x'), null);
});

test('no log line carries a phone number in clear, whatever field it is in', () => {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (l: string) => lines.push(l) } });
  lineLog(logger)('[ingest] caller 13912345678 rejected');
  logger.info({ address: '渭南 0913-3456789' }, 'object field');
  logger.error({ err: new Error('bad phone +86 139 1234 5678') }, 'failed');
  const text = lines.join('');
  assert.doesNotMatch(text, /13912345678|3456789|139 1234 5678/);
  assert.match(text, /139\*\*\*\*5678/);
  const first = JSON.parse(lines[0]!) as { component: string; msg: string; level: number };
  assert.equal(first.component, 'ingest');
  assert.match(first.msg, /^\[ingest\] /, 'the line stays as written');
  assert.equal(first.level, 40, 'a line about a rejection is a warning');
});

test('a large ingest batch is stored in slices with the loop free between them; rejections keep their index in the body', async () => {
  const messages: RawMessage[] = Array.from({ length: 2500 }, (_, i) => ({ value: i % 700 === 5 ? 'bad' : `{"n":${i}}` }));
  const slices: number[] = [];
  // Something else waiting on the loop (a socket's ping, say), re-queued on every turn.
  let turns = 0;
  let done = false;
  const spin = () => { turns++; if (!done) setImmediate(spin); };
  setImmediate(spin);
  const turnsAtSlice: number[] = [];
  const process = async (_t: string, ms: readonly RawMessage[]): Promise<BatchOutcome> => {
    slices.push(ms.length);
    turnsAtSlice.push(turns);
    const rejected = ms.flatMap((m, at) => (m.value === 'bad' ? [{ index: m.index ?? at, code: 'not_json' as const, reason: 'not JSON' }] : []));
    return { accepted: ms.length - rejected.length, duplicates: 0, rejected };
  };
  const rt = { kafka: null, publisher: { send: async () => undefined, close: async () => undefined } };
  const out = await ingestInChunks(rt, process, 'police.calls', messages, 1000);
  done = true;
  assert.deepEqual(slices, [1000, 1000, 500]);
  assert.deepEqual(out.rejected.map((r) => r.index), [5, 705, 1405, 2105]);
  assert.equal(out.accepted, 2496);
  // The loop turned between every two slices: other work got its turn.
  assert.ok(turnsAtSlice[1]! > turnsAtSlice[0]! && turnsAtSlice[2]! > turnsAtSlice[1]!, `loop turns at each slice: ${turnsAtSlice.join(',')}`);
});
