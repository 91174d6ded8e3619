/**
 * Backup and restore as docs/operations.md tells operators to do them: the embedded store
 * with `npm run backup` / `npm run restore` (server stopped), the native one with
 * pg_dump / pg_restore. A restored store must give the same summary figures as before.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { startOfDay } from '@watchfloor/config/time';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { PHONE_KEY_FILE, phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { summary } from '@watchfloor/ingest/store/queries/summary';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { count } from '../support/pipeline';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan, tongguanGrids } from '../support/region';

const HOUR = 3_600_000;
// A simulated day a few weeks back: past the clock check, within retention.
const h0 = Math.floor(startOfDay(new Date(Date.now() - 20 * 86_400_000), 'Asia/Shanghai').getTime() / HOUR);
const range = { from: new Date((h0 - 24) * HOUR), to: new Date((h0 + 24) * HOUR) };

async function fill(db: Db): Promise<void> {
  await migrate(db, { tz: 'Asia/Shanghai' });
  const pipeline = createPipeline({
    db,
    ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('test-key-0123456789abcdef') },
    publishDeadLetters: async () => undefined,
    log: () => undefined,
  });
  const model = new CountyModel(tongguan(), 7, 'Asia/Shanghai');
  const byTopic = new Map<string, unknown[]>();
  for (let h = h0 - 24; h < h0 + 24; h++) {
    for (const e of model.eventsInHour(h, false)) byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e.event.value]);
  }
  for (const topic of ['police.calls', 'camera.alerts', 'dispatch.commands', 'unit.status', 'case.status'] as const) {
    const vals = byTopic.get(topic) ?? [];
    for (let i = 0; i < vals.length; i += 400) await pipeline.process(topic, vals.slice(i, i + 400).map((value) => ({ value })), 'bus');
  }
}

async function figures(db: Db) {
  return { summary: await summary(db, range), calls: await count(db, 'SELECT count(*)::int AS n FROM calls') };
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** The CLI as an operator runs it on an embedded install. */
function run(script: string, args: string[], dataDir: string) {
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...env } = process.env;
  return spawnSync('npm', ['run', '--silent', script, '--', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...env, DATA_DIR: dataDir } });
}
function npm(script: string, args: string[], dataDir: string) {
  const r = run(script, args, dataDir);
  assert.equal(r.status, 0, `npm run ${script}: ${r.stderr}`);
  return r.stdout;
}

test('embedded: npm run backup, then npm run restore into a new DATA_DIR, gives the same figures', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-backup-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, PHONE_KEY_FILE), 'k'.repeat(64), { mode: 0o600 });
  let db = await openPglite(path.join(dataDir, 'pgdata'));
  await fill(db);
  const before = await figures(db);
  assert.ok(before.calls > 20 && before.summary.calls.total > 0, 'something to back up');
  await db.close();

  const backup = path.join(tmp, 'backup-1');
  assert.match(npm('backup', ['--out', backup], dataDir), /^backup: \d+ files/);
  // A second backup into the same place is refused rather than mixed into the first.
  const again = run('backup', ['--out', backup], dataDir);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);

  const restored = path.join(tmp, 'restored');
  assert.match(npm('restore', ['--from', backup], restored), /^restore: backup of /);
  assert.equal(fs.readFileSync(path.join(restored, PHONE_KEY_FILE), 'utf8'), 'k'.repeat(64), 'the phone-hash key travels with the data');
  db = await openPglite(path.join(restored, 'pgdata'));
  cleanups.push(() => db.close());
  await migrate(db, { tz: 'Asia/Shanghai' });
  assert.deepEqual(await figures(db), before);
});

test('native: pg_dump -Fc and pg_restore into a new database give the same figures', async () => {
  const source: TempDatabase = await createTempDatabase('backup_src');
  cleanups.push(source.drop);
  const target: TempDatabase = await createTempDatabase('backup_dst');
  cleanups.push(target.drop);
  const src = await openPg(source.url, 'auto', 2);
  await fill(src);
  const before = await figures(src);
  assert.ok(before.calls > 20);
  await src.close();

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pgdump-')), 'watchfloor.dump');
  cleanups.push(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  const dump = spawnSync('pg_dump', ['-Fc', '--no-owner', '-f', file, source.url], { encoding: 'utf8' });
  assert.equal(dump.status, 0, dump.stderr);
  const restore = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', target.url, file], { encoding: 'utf8' });
  assert.equal(restore.status, 0, restore.stderr);

  const dst = await openPg(target.url, 'auto', 2);
  cleanups.push(() => dst.close());
  // The restored schema is current: migrating it again is a no-op, as on any restart.
  await migrate(dst, { tz: 'Asia/Shanghai' });
  assert.deepEqual(await figures(dst), before);
});
