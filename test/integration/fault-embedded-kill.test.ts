/**
 * Fault: the embedded server (`npm start`, PGlite in DATA_DIR) SIGKILLed — its whole process
 * group, as the OOM killer or a pulled plug would — while HTTP ingest is writing. Restarted on
 * the same DATA_DIR it must open (no corruption) and hold every event it answered 200 for,
 * each once. Requests cut off by the kill were never acknowledged: they may or may not be there.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';

const TOKEN = 'kill-test-ingest-token';
const WALL = 'kill-test-wall-token';
const BATCH = 100;
const POSTERS = 3;
/** Acknowledged batches before the kill: enough that the kill lands among writes, not before them. */
const ACKED_BEFORE_KILL = 20;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-kill-'));
const env = { DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, WALL_TOKEN: WALL, SIMULATE: '0', INGEST_RATE_LIMIT: '1000000' };
let server: RunningServer | null = null;

after(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function post(s: RunningServer, events: unknown[]): Promise<{ status: number; body: { accepted?: number; duplicates?: number; rejected?: unknown[] } }> {
  const res = await fetch(`${s.url}/api/ingest/police.calls`, {
    method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as { accepted?: number } };
}

test('SIGKILL during writes, restart on the same DATA_DIR: every event answered 200 is there, once', async () => {
  const first = await startServer(env);
  server = first;
  const acked: string[] = [];
  const ackedEvents: ReturnType<typeof call>[] = [];
  const sent = new Set<string>();
  let ackedBatches = 0;
  let cutOff = 0;
  let killed = false;

  const poster = async () => {
    while (!killed) {
      const batch = Array.from({ length: BATCH }, () => call());
      for (const c of batch) sent.add(c.id);
      try {
        const r = await post(first, batch);
        if (r.status === 200) {
          assert.equal(r.body.accepted, BATCH, 'fresh ids are accepted');
          acked.push(...batch.map((c) => c.id));
          ackedEvents.push(...batch);
          ackedBatches++;
        }
      } catch {
        cutOff++; // the connection died with the server: not acknowledged
      }
    }
  };
  const posters = Array.from({ length: POSTERS }, poster);
  const deadline = Date.now() + 90_000;
  while (ackedBatches < ACKED_BEFORE_KILL) {
    assert.ok(Date.now() < deadline, `only ${ackedBatches} batches acknowledged in 90 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ackedAtKill = acked.length;
  killed = true; // no new request; the ones in flight are cut off by the kill
  await first.stop('SIGKILL');
  await Promise.all(posters);
  assert.ok(first.output().indexOf('SIGTERM') < 0, 'killed, not stopped cleanly');

  // Reopen: the server must start on the killed store and take new writes.
  const second = await startServer(env);
  server = second;
  const health = (await (await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as { status: string };
  assert.equal(health.status, 'up');
  // Every acknowledged call is known to the reopened server: sent again, each is a duplicate.
  for (let i = 0; i < ackedEvents.length; i += 1000) {
    const again = ackedEvents.slice(i, i + 1000);
    const r = await post(second, again);
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.accepted, r.body.duplicates], [0, again.length], 'acknowledged calls are stored');
  }
  const fresh = Array.from({ length: BATCH }, () => call());
  const r = await post(second, fresh);
  assert.deepEqual([r.status, r.body.accepted], [200, BATCH], 'new writes after the restart');
  // SIGTERM to the group; stop() waits until the server below npm has closed the store.
  await second.stop();
  server = null;

  // Counted in the store itself, with no server holding it.
  const db = await openPglite(path.join(dataDir, 'pgdata')); // where the server keeps it (store/open.ts)
  try {
    const q = await db.query<{ mine: number; total: number; distinct: number }>(
      'SELECT count(*) FILTER (WHERE id = ANY($1))::int AS mine, count(*)::int AS total, count(DISTINCT id)::int AS distinct FROM calls',
      [acked],
    );
    const c = q.rows[0]!;
    assert.equal(c.mine, acked.length, 'each acknowledged call stored exactly once');
    assert.equal(c.total, c.distinct, 'no call stored twice');
    assert.ok(c.total <= sent.size + BATCH, 'nothing but what was sent');
    console.log(`embedded kill: ${ackedAtKill} calls acknowledged before the SIGKILL (${acked.length} in all), ${cutOff} requests cut off, ${c.total - acked.length - BATCH} unacknowledged calls found stored anyway, 0 lost, 0 doubled`);
  } finally {
    await db.close();
  }
});
