/**
 * The machine's native PostgreSQL (127.0.0.1:5432, trust auth) for compatibility-mode
 * tests: each caller gets a database of its own, dropped afterwards, so test files never
 * see each other's rows.
 */
import crypto from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase { url: string; drop(): Promise<void> }

export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = `wf_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
