/**
 * Applies the SQL migrations in migrations/ once each, in name order. Files named
 * `*.timescale.sql` or `*.postgres.sql` apply only to that flavor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Session } from './db';
import { splitSql } from './sql-split';

/** This release's migrations. */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export function migrationFiles(flavor: Db['flavor'], dir = MIGRATIONS_DIR): string[] {
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .filter((f) => {
      const m = /\.(timescale|postgres)\.sql$/.exec(f);
      return !m || m[1] === flavor;
    })
    .sort();
}

/** Advisory-lock key for migrations ("WFMIGRAT" folded into 31 bits). */
const MIGRATION_LOCK = 0x57464d49;

export interface MigrateOptions {
  tz: string;
  /** Another release's migrations folder (test/integration/upgrade.test.ts builds a previous release's schema); default this release's. */
  dir?: string;
}

export async function migrate(db: Db, opts: MigrateOptions): Promise<string[]> {
  // The zone is substituted into SQL text, so only IANA-shaped names may pass.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(opts.tz)) throw new Error(`TZ_CENTER is not a time-zone name: ${opts.tz}`);
  return db.withLock(MIGRATION_LOCK, (s) => migrateLocked(s, db.flavor, opts.tz, opts.dir ?? MIGRATIONS_DIR));
}

async function migrateLocked(db: Session, flavor: Db['flavor'], tz: string, dir: string): Promise<string[]> {
  await db.execRaw(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
  const applied: string[] = [];
  for (const file of migrationFiles(flavor, dir)) {
    if (done.has(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8').replaceAll('{{TZ_CENTER}}', tz);
    for (const stmt of splitSql(text)) {
      try {
        await db.execRaw(stmt);
      } catch (err) {
        throw new Error(`migration ${file} failed at: ${stmt.slice(0, 120)}…\n${(err as Error).message}`);
      }
    }
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
    applied.push(file);
  }
  return applied;
}
