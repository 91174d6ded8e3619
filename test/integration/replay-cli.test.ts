/**
 * `npm run replay` against a real embedded server: a simulated day recorded with
 * `npm run simulate -- --out` is replayed twice. The first time the server stores what it
 * has not seen; the second time every event is a duplicate, and the command prints what
 * the server answered, not merely how many lines it sent.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { startServer, type RunningServer } from '../support/server';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const INGEST = 'replay-cli-ingest-token';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-replay-cli-'));
const file = path.join(dir, 'day.ndjson');
let server: RunningServer;

before(async () => {
  server = await startServer({ DATA_DIR: path.join(dir, 'data'), SIMULATE: '0', INGEST_TOKEN: INGEST, SIMULATE_SEED: '42' });
});
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(script: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(server.port), INGEST_TOKEN: INGEST, SIMULATE_SEED: '7', KAFKA_BROKERS: '' };
  delete env.WATCHFLOOR_URL;
  const { stdout } = await run(TSX, [path.join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, env, maxBuffer: 1 << 26 });
  return stdout;
}

function counts(out: string): { sent: number; accepted: number; duplicates: number; rejected: number } {
  const m = /\[replay\] (\d+) events sent to .*: (\d+) accepted, (\d+) duplicates, (\d+) rejected/.exec(out);
  assert.ok(m, `replay printed no counts:\n${out}`);
  return { sent: Number(m[1]), accepted: Number(m[2]), duplicates: Number(m[3]), rejected: Number(m[4]) };
}

test('a recorded day replayed twice: stored once, then all duplicates, as the server answered', async () => {
  const rec = await cli('ingest/src/simulator/main.ts', ['--out', file, '--days', '1']);
  assert.match(rec, /wrote \d+ events/);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').length;

  const first = counts(await cli('ingest/src/replay/main.ts', [file]));
  assert.equal(first.sent, lines);
  assert.equal(first.rejected, 0);
  assert.equal(first.accepted + first.duplicates, lines);
  assert.ok(first.accepted > lines * 0.9, `first replay accepted ${first.accepted} of ${lines}`);

  const second = counts(await cli('ingest/src/replay/main.ts', [file]));
  assert.deepEqual(second, { sent: lines, accepted: 0, duplicates: lines, rejected: 0 });
});

test('--help answers for simulate and replay without reaching a server', async () => {
  for (const script of ['ingest/src/simulator/main.ts', 'ingest/src/replay/main.ts']) {
    const out = await cli(script, ['--help']);
    assert.match(out, /^usage: npm run (simulate|replay)/);
    assert.match(out, /WATCHFLOOR_URL/);
  }
});
