/**
 * Upgrading (docs/operations.md): migrations run forward only, and a store made by the previous
 * release, with its data, upgraded by this release's migrator, must be the store this release
 * would have made from the same events — the same rows in every table (derived ones included:
 * 013's day rollups back-filled), the same schema, the same /api/stats/summary figures — and
 * keep being so as new events arrive.
 *
 * The previous release's schema is its own migrations folder, read from git at that commit
 * (not the current files up to some number: an edited landed migration would then go
 * unnoticed). PREVIOUS_RELEASE is 30e8604, the release whose migrations end at 012: the last
 * landed one, 462ee39, already carries 013 and has the same migrations as this release, so an
 * upgrade from it applies nothing. Move PREVIOUS_RELEASE on whenever a release adds a migration.
 * Its migrator (store/migrate.ts) is the same as this one's, so this one applies its folder.
 *
 * Its data goes in through its schema: the rows this release's writers store for the events
 * (a reference store, freshly migrated) are copied into the previous release's tables, table
 * by table. Its writers stored the same rows in those tables (they differ from today's only by
 * the rollups, which its schema has not got).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { startOfDay } from '@watchfloor/config/time';
import type { Topic } from '@watchfloor/config/contracts';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import type { Db } from '@watchfloor/ingest/store/db';
import { MIGRATIONS_DIR, migrate, migrationFiles } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { summary } from '@watchfloor/ingest/store/queries/summary';
import { createTempDatabase } from '../support/postgres';
import { tongguan, tongguanGrids } from '../support/region';

const PREVIOUS_RELEASE = '30e8604';
// Its newest migration: in a clone without that commit (a shallow CI clone) its folder is this
// release's files up to this one, which the check below proves equal wherever history is there.
const PREVIOUS_LAST_MIGRATION = '012_cases_opened.sql';
const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Four simulated days a few weeks back (past the clock check, within retention): three
// before the upgrade, one after it. Whole days are read from the rollups, edges from the streams.
const day0 = startOfDay(new Date(Date.now() - 20 * DAY), TZ).getTime();
const h0 = day0 / HOUR;
const BEFORE_HOURS = [h0, h0 + 72] as const;
const AFTER_HOURS = [h0 + 72, h0 + 96] as const;
const TOPICS_IN_ORDER: Topic[] = ['police.calls', 'camera.alerts', 'dispatch.commands', 'unit.status', 'case.status'];

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** The previous release's migrations folder, as it was at that commit (fromGit), or, without that
 * commit in this clone, this release's files up to its newest migration. */
function previousMigrations(): { dir: string; files: string[]; fromGit: boolean } {
  const rel = path.relative(REPO_ROOT, MIGRATIONS_DIR);
  const git = (...args: string[]) => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-prev-migrations-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  let listed: string | null = null;
  try { listed = git('ls-tree', '--name-only', PREVIOUS_RELEASE, `${rel}/`); } catch { listed = null; }
  if (listed === null) {
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f <= PREVIOUS_LAST_MIGRATION).sort();
    for (const f of files) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    return { dir, files, fromGit: false };
  }
  const files = listed.split('\n').filter((f) => f.endsWith('.sql'));
  for (const f of files) fs.writeFileSync(path.join(dir, path.basename(f)), git('show', `${PREVIOUS_RELEASE}:${f}`));
  return { dir, files: files.map((f) => path.basename(f)), fromGit: true };
}

const model = new CountyModel(tongguan(), 7, TZ);
function events([from, to]: readonly [number, number]): Map<Topic, unknown[]> {
  const byTopic = new Map<Topic, unknown[]>();
  for (let h = from; h < to; h++) {
    for (const e of model.eventsInHour(h, false)) byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e.event.value]);
  }
  return byTopic;
}
const before = events(BEFORE_HOURS);
const later = events(AFTER_HOURS);

async function ingest(db: Db, byTopic: Map<Topic, unknown[]>): Promise<void> {
  const pipeline = createPipeline({
    db,
    ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('test-key-0123456789abcdef') },
    publishDeadLetters: async () => undefined,
    log: () => undefined,
  });
  for (const topic of TOPICS_IN_ORDER) {
    const vals = byTopic.get(topic) ?? [];
    for (let i = 0; i < vals.length; i += 400) await pipeline.process(topic, vals.slice(i, i + 400).map((value) => ({ value })), 'bus');
  }
}

/** The store's own tables, in the order they were created (a referenced table before its referrers). */
async function tables(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations' ORDER BY c.oid`,
  );
  return rows.map((r) => r.name);
}

/** Copies every row of `into`'s tables from `from` (same-named tables, `into`'s columns), then moves its sequences past them. */
async function copyRows(from: Db, into: Db): Promise<void> {
  for (const t of await tables(into)) {
    const { rows } = await from.query<{ rows: string }>(`SELECT coalesce(json_agg(t), '[]')::text AS rows FROM ${t} t`);
    await into.query(`INSERT INTO ${t} SELECT * FROM json_populate_recordset(null::${t}, $1::json)`, [rows[0]!.rows]);
  }
  const { rows: serials } = await into.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
  );
  for (const { t, c } of serials) await into.query(`SELECT setval(pg_get_serial_sequence('${t}', '${c}'), coalesce((SELECT max(${c}) FROM ${t}), 0) + 1, false)`);
}

/**
 * Every table's rows as sorted JSON lines. With `withoutClock`, less the columns the database
 * fills with its clock (ingested_at …): two stores given the same events at two moments differ there.
 */
async function contents(db: Db, withoutClock = false): Promise<Map<string, string[]>> {
  const { rows: clocked } = await db.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema = 'public' AND (column_default ILIKE '%now()%' OR column_default ILIKE '%current_timestamp%')`,
  );
  const out = new Map<string, string[]>();
  for (const t of await tables(db)) {
    const drop = withoutClock ? clocked.filter((x) => x.t === t).map((x) => x.c) : [];
    const { rows } = await db.query<{ r: string }>(`SELECT (to_jsonb(t) - $1::text[])::text AS r FROM ${t} t ORDER BY 1`, [drop]);
    out.set(t, rows.map((x) => x.r));
  }
  return out;
}

async function schema(db: Db) {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const indexes = await db.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`);
  const functions = await db.query(
    `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' ORDER BY 1, 2`,
  );
  return { columns: columns.rows, indexes: indexes.rows, functions: functions.rows };
}

/** The summary figures over ranges that read whole days from the rollups and edges from the streams, county and town. */
async function figures(db: Db, days: number) {
  const town = tongguan().towns.features[0]!.properties.code;
  const ranges = [
    { from: new Date(day0), to: new Date(day0 + days * DAY) },
    { from: new Date(day0 + 7 * HOUR), to: new Date(day0 + (days - 1) * DAY + 17 * HOUR) },
    { from: new Date(day0 + DAY), to: new Date(day0 + days * DAY), townCode: town },
  ];
  return Promise.all(ranges.map((r) => summary(db, r)));
}

function assertSameRows(upgraded: Map<string, string[]>, fresh: Map<string, string[]>, when: string): void {
  assert.deepEqual([...upgraded.keys()].sort(), [...fresh.keys()].sort(), `${when}: the same tables`);
  for (const [t, rows] of fresh) {
    const got = upgraded.get(t)!;
    if (got.length === rows.length && got.every((r, i) => r === rows[i])) continue;
    const missing = rows.filter((r) => !got.includes(r)).slice(0, 3);
    const extra = got.filter((r) => !rows.includes(r)).slice(0, 3);
    assert.fail(`${when}: ${t} has ${got.length} rows upgraded, ${rows.length} fresh; missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  }
}

for (const kind of ['native', 'embedded'] as const) {
  describe(`upgrade from release ${PREVIOUS_RELEASE} (${kind === 'native' ? 'native PostgreSQL' : 'embedded store'})`, () => {
    async function open(label: string): Promise<Db> {
      if (kind === 'native') {
        const tmp = await createTempDatabase(`upgrade_${label}`);
        const db = await openPg(tmp.url, 'auto', 4);
        cleanups.push(tmp.drop, () => db.close());
        return db;
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wf-upgrade-${label}-`));
      const db = await openPglite(dir);
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => db.close());
      return db;
    }

    test('migrations forward only: the store it made, with its data, upgrades to what this release makes of the same events', async (t) => {
      const previous = previousMigrations();
      if (previous.fromGit) assert.equal(previous.files.filter((f) => f.endsWith('.sql')).sort().at(-1), PREVIOUS_LAST_MIGRATION, `PREVIOUS_LAST_MIGRATION is release ${PREVIOUS_RELEASE}'s newest migration`);
      else t.diagnostic(`release ${PREVIOUS_RELEASE} is not in this clone's history (shallow?): its migrations are taken as this release's files up to ${PREVIOUS_LAST_MIGRATION}, unchecked against git`);
      // A landed migration is never edited: the migrator goes by name, so an edit would never reach an upgraded store.
      for (const f of previous.files) {
        assert.equal(fs.readFileSync(path.join(previous.dir, f), 'utf8'), fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8'), `${f} changed since release ${PREVIOUS_RELEASE}`);
      }
      const fresh = await open('fresh');
      const old = await open('old');
      const current = migrationFiles(fresh.flavor);
      const added = current.filter((f) => !previous.files.includes(f));
      assert.ok(added.length > 0, `release ${PREVIOUS_RELEASE} has every migration of this one: move PREVIOUS_RELEASE to the last release before the newest migration`);

      assert.deepEqual(await migrate(fresh, { tz: TZ }), current);
      await ingest(fresh, before);
      assert.deepEqual(await migrate(old, { tz: TZ, dir: previous.dir }), migrationFiles(old.flavor, previous.dir));
      await copyRows(fresh, old);
      const calls = (await old.query<{ n: number }>('SELECT count(*)::int AS n FROM calls')).rows[0]!.n;
      assert.ok(calls > 100, `the previous release's store holds calls (${calls})`);

      // The upgrade: this release's migrator on the previous release's store.
      assert.deepEqual(await migrate(old, { tz: TZ }), added, 'only the new migrations run');
      const applied = (await old.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
      assert.deepEqual(applied, current, 'every migration recorded once');
      assert.deepEqual(await migrate(old, { tz: TZ }), [], 'a second run applies nothing');

      assert.deepEqual(await schema(old), await schema(fresh), 'the same schema as a fresh store');
      assertSameRows(await contents(old), await contents(fresh), 'after the upgrade');
      const rollups = (await old.query<{ n: number }>('SELECT coalesce(sum(n), 0)::int AS n FROM calls_by_day')).rows[0]!.n;
      assert.equal(rollups, calls, 'every stored call counted once in the day rollups');
      assert.deepEqual(await figures(old, 3), await figures(fresh, 3), '/api/stats/summary after the upgrade');

      // New events after the upgrade: the writers carry on from the back-filled rollups.
      await ingest(fresh, later);
      await ingest(old, later);
      assertSameRows(await contents(old, true), await contents(fresh, true), 'after new events');
      assert.deepEqual(await figures(old, 4), await figures(fresh, 4), '/api/stats/summary after new events');
    });
  });
}
