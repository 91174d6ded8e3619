/**
 * Fault: DATA_DIR's disk fills up while HTTP ingest writes to the embedded store (`npm start`).
 * Ingest must refuse (503 `disk_full`, Retry-After, a reason naming the folder) instead of
 * PostgreSQL running out mid-write; /api/health and /metrics name the disk; once space is freed
 * it resumes by itself. Every call answered 200 is stored, and every call refused, sent again
 * after, is stored exactly once.
 *
 * The disk is a 256 MB tmpfs of the test's own when it may mount one (root, as in CI's
 * container); otherwise the temp folder's own disk, shared with the machine, which the test
 * fills only as far as DATA_DIR_MIN_FREE_MB (set 150 MB under its free space): then only the
 * threshold path is tested, never a real ENOSPC.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const TOKEN = 'disk-test-ingest-token';
const WALL = 'disk-test-wall-token';
const ADMIN = 'disk-test-admin-token';
const BATCH = 100;
const POSTERS = 2;
const MB = 1024 * 1024;

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-disk-'));
/** Mounts a small tmpfs on base when this process may; false otherwise (not root, or no mount in this sandbox). */
function mountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', base], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const ownDisk = mountTmpfs();
const dataDir = path.join(base, 'data');
const filler = path.join(base, 'filler');
const freeBytes = () => { const s = fs.statfsSync(base); return s.bavail * s.bsize; };
/** Refused below this; 150 MB under what is free now, so the store's start (~30 MB) and the first batches stay above it. */
const minFreeMb = Math.floor(freeBytes() / MB) - 150;

let server: RunningServer | null = null;
after(async () => {
  await server?.stop();
  if (ownDisk) execFileSync('umount', [base]);
  fs.rmSync(base, { recursive: true, force: true });
});

type Outcome = { status: number; retryAfter: string | null; body: { accepted?: number; duplicates?: number; error?: { code: string; message: string } } };
async function post(s: RunningServer, events: unknown[]): Promise<Outcome> {
  const res = await fetch(`${s.url}/api/ingest/police.calls`, {
    method: 'POST', body: JSON.stringify(events), headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Outcome['body'] };
}
type Health = { code: number; body: { status: string; failing?: string[]; disk?: { full: boolean; dir: string; freeBytes: number | null; reason: string | null } | null } };
async function health(s: RunningServer): Promise<Health> {
  const r = await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${WALL}` } });
  return { code: r.status, body: (await r.json()) as Health['body'] };
}
async function metric(s: RunningServer, name: string): Promise<number | null> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
}

test(`DATA_DIR's disk fills (${ownDisk ? 'own 256 MB tmpfs' : 'shared temp disk, threshold path only'}): 503 disk_full, health names the disk, resumes when freed, nothing lost or doubled`, async () => {
  const s = await startServer({
    DATA_DIR: dataDir, DATA_DIR_MIN_FREE_MB: String(minFreeMb), INGEST_TOKEN: TOKEN, WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN,
    SIMULATE: '0', INGEST_RATE_LIMIT: '1000000',
  });
  server = s;
  const before = await health(s);
  assert.equal(before.code, 200);
  assert.equal(before.body.disk?.full, false);
  assert.equal(before.body.disk?.dir, dataDir);

  const acked = new Map<string, unknown>();
  const refused: Array<ReturnType<typeof call>[]> = [];
  const refusals: Outcome[] = [];
  let stop = false;
  const poster = async () => {
    while (!stop) {
      const batch = Array.from({ length: BATCH }, () => call());
      const r = await post(s, batch);
      if (r.status === 200) {
        assert.equal(r.body.accepted, BATCH, 'fresh ids are accepted');
        for (const c of batch) acked.set(c.id, c);
      } else {
        assert.equal(r.status, 503, `refused as unavailable, not ${r.status} ${JSON.stringify(r.body)}`);
        refused.push(batch);
        refusals.push(r);
        // As a well-behaved sender would, though not for the whole Retry-After: the test has a clock.
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  };
  const posters = Array.from({ length: POSTERS }, poster);
  await waitFor('some batches acknowledged before the disk fills', async () => acked.size, (n) => n >= 10 * BATCH, 60_000, 50);
  assert.equal(refused.length, 0, 'nothing refused while space is plenty');

  // Fill the disk to 20 MB under the threshold.
  const fill = freeBytes() - (minFreeMb - 20) * MB;
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(8 * MB, 1);
  for (let left = fill; left > 0; left -= chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  fs.closeSync(fd);
  const filledAt = acked.size;
  await waitFor('a refusal', async () => refused.length, (n) => n >= 3, 30_000, 50);

  const r0 = refusals[0]!;
  assert.equal(r0.body.error?.code, 'disk_full');
  assert.equal(r0.retryAfter, '30', 'tells the sender when to come back');
  assert.match(r0.body.error!.message, /DATA_DIR/);
  assert.ok(r0.body.error!.message.includes(dataDir), 'names the folder');
  assert.match(r0.body.error!.message, /DATA_DIR_MIN_FREE_MB|want of space/, 'says why');
  const down = await waitFor('/api/health naming the disk', () => health(s), (h) => h.code === 503 && (h.body.failing ?? []).includes('disk'), 10_000, 200);
  assert.equal(down.body.status, 'down');
  assert.equal(down.body.disk?.full, true);
  assert.ok(down.body.disk!.freeBytes !== null && down.body.disk!.freeBytes < minFreeMb * MB, 'the free space it saw is under the threshold');
  assert.equal(await metric(s, 'watchfloor_ingest_refused_disk_full'), 1);
  const freeGauge = await metric(s, 'watchfloor_data_dir_free_bytes');
  assert.ok(freeGauge !== null && freeGauge < minFreeMb * MB, `free-space gauge ${freeGauge}`);
  // Refused while it lasts: 2 s more of posting sees no 200.
  const ackedWhileFull = acked.size;
  await new Promise((res) => setTimeout(res, 2000));
  assert.equal(acked.size, ackedWhileFull, 'no batch accepted while the disk is full');

  fs.rmSync(filler);
  await waitFor('/api/health up again', () => health(s), (h) => h.code === 200 && h.body.disk?.full === false, 10_000, 200);
  stop = true;
  await Promise.all(posters);
  assert.equal(await metric(s, 'watchfloor_ingest_refused_disk_full'), 0);
  assert.match(s.output(), /ingest paused: the disk of DATA_DIR/, 'said in the log');
  assert.match(s.output(), /ingest resumed/);

  // The refused batches, sent again: each stored now, once.
  const resent = new Set<string>();
  for (const batch of refused) {
    const r = await post(s, batch);
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.accepted, r.body.duplicates], [BATCH, 0], 'a refused batch was not stored in part');
    for (const c of batch) resent.add(c.id);
  }
  await s.stop();
  server = null;

  const db = await openPglite(path.join(dataDir, 'pgdata')); // where the server keeps it (store/open.ts)
  try {
    const q = await db.query<{ acked: number; resent: number; total: number; distinct: number }>(
      'SELECT count(*) FILTER (WHERE id = ANY($1))::int AS acked, count(*) FILTER (WHERE id = ANY($2))::int AS resent, count(*)::int AS total, count(DISTINCT id)::int AS distinct FROM calls',
      [[...acked.keys()], [...resent]],
    );
    const c = q.rows[0]!;
    assert.equal(c.acked, acked.size, 'every call answered 200 is stored');
    assert.equal(c.resent, resent.size, 'every refused call, sent again, is stored');
    assert.equal(c.total, acked.size + resent.size, 'nothing else');
    assert.equal(c.total, c.distinct, 'no call twice');
    console.log(`disk full (${ownDisk ? 'tmpfs' : 'shared disk'}, threshold ${minFreeMb} MB): ${filledAt} calls acknowledged before the fill, ${acked.size} in all; ${refused.length} batches (${resent.size} calls) refused 503 and stored once when sent again; 0 lost, 0 doubled`);
  } finally {
    await db.close();
  }
});

test('no threshold, the disk runs out for real (own tmpfs only): the failed write is a 503 disk_full too, and ingest resumes once space is freed', { skip: ownDisk ? false : 'needs a tmpfs of its own (root): without one the shared disk cannot be filled safely' }, async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const dir = path.join(base, 'data-enospc');
  const s = await startServer({ DATA_DIR: dir, DATA_DIR_MIN_FREE_MB: '0', INGEST_TOKEN: TOKEN, WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN, SIMULATE: '0', INGEST_RATE_LIMIT: '1000000' });
  server = s;
  // Leave 2 MB: a few batches of long calls fill it.
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(8 * MB, 1);
  for (let left = freeBytes() - 2 * MB; left > 0; left -= chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  fs.closeSync(fd);
  const acked = new Set<string>();
  const refused: Array<ReturnType<typeof call>[]> = [];
  let first: Outcome | null = null;
  for (let i = 0; i < 200 && refused.length === 0; i++) {
    const batch = Array.from({ length: BATCH }, () => call({ summary: '报警人称路口两车相撞'.repeat(150) }));
    const r = await post(s, batch);
    if (r.status === 200) batch.forEach((c) => acked.add(c.id));
    else { assert.equal(r.status, 503, JSON.stringify(r.body)); refused.push(batch); first = r; }
  }
  assert.ok(first, `no refusal after ${acked.size} calls with ${Math.round(freeBytes() / MB)} MB free`);
  assert.equal(first.body.error?.code, 'disk_full');
  assert.match(first.body.error!.message, /failed for want of space/);
  assert.equal(first.retryAfter, '30');
  const down = await health(s);
  assert.ok(down.code === 503 && (down.body.failing ?? []).includes('disk'), JSON.stringify(down.body));
  // Refused at once while it lasts, without trying the store again.
  const again = await post(s, refused[0]!);
  assert.equal(again.status, 503);

  fs.rmSync(filler);
  await waitFor('/api/health up again', () => health(s), (h) => h.code === 200 && h.body.disk?.full === false, 15_000, 200);
  const r = await post(s, refused[0]!);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.accepted, r.body.duplicates], [BATCH, 0], 'the refused batch was rolled back whole, and is stored now');
  const fresh = Array.from({ length: BATCH }, () => call());
  assert.equal((await post(s, fresh)).body.accepted, BATCH, 'new writes after');
  await s.stop();
  server = null;

  const db = await openPglite(path.join(dir, 'pgdata'));
  try {
    const all = [...acked, ...refused[0]!.map((c) => c.id), ...fresh.map((c) => c.id)];
    const q = await db.query<{ mine: number; total: number; distinct: number }>(
      'SELECT count(*) FILTER (WHERE id = ANY($1))::int AS mine, count(*)::int AS total, count(DISTINCT id)::int AS distinct FROM calls', [all]);
    assert.deepEqual(q.rows[0], { mine: all.length, total: all.length, distinct: all.length }, 'every acknowledged call once, nothing else');
    console.log(`real ENOSPC: ${acked.size} calls stored before the disk ran out, the failing batch answered 503 disk_full (${first.body.error!.message.slice(0, 80)}…), stored once after space was freed; reopened cleanly`);
  } finally {
    await db.close();
  }
});
