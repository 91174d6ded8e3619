/** Server store: a `pg` pool against TimescaleDB or plain PostgreSQL ≥ 14. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, DbFlavor, Queryable } from './db';
import { ident } from './sql-ident';

export async function openPg(url: string, want: 'auto' | DbFlavor, poolSize = 8): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'watchfloor' });
  // A dropped server connection must not crash the process: the pool reconnects on next use.
  pool.on('error', (err) => console.warn(`[db] idle client error: ${err.message}`));
  const flavor = await detectFlavor(pool, want);
  const query: Queryable['query'] = async <R extends object>(sql: string, params?: readonly unknown[]) => {
    const r = await pool.query(sql, params ? [...params] : undefined);
    return { rows: r.rows as R[] };
  };
  return {
    flavor,
    kind: 'server',
    query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          async query<R extends object>(sql: string, params?: readonly unknown[]) {
            const r = await client.query(sql, params ? [...params] : undefined);
            return { rows: r.rows as R[] };
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async execRaw(sql) { await pool.query(sql); },
    async withLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        return await fn({
          async query<R extends object>(sql: string, params?: readonly unknown[]) {
            const r = await client.query(sql, params ? [...params] : undefined);
            return { rows: r.rows as R[] };
          },
          async execRaw(sql) { await client.query(sql); },
        });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
        client.release();
      }
    },
    async holdLock(key) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
      } catch (err) {
        client.release();
        throw err;
      }
      return {
        async release() {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
          client.release();
        },
      };
    },
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        const sink = client.query(copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), sink);
      } finally {
        client.release();
      }
    },
    async close() { await pool.end(); },
  };
}

async function detectFlavor(pool: pg.Pool, want: 'auto' | DbFlavor): Promise<DbFlavor> {
  if (want === 'postgres') return 'postgres';
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    return 'timescale';
  } catch (err) {
    if (want === 'timescale') throw new Error(`DB_FLAVOR=timescale but the server has no TimescaleDB: ${(err as Error).message}`);
    return 'postgres';
  }
}
