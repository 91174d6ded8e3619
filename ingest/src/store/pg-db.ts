/** Server store: a `pg` pool against TimescaleDB or plain PostgreSQL ≥ 14. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, DbFlavor, Queryable } from './db';
import { sessionOptions } from './session-settings';
import { ident } from './sql-ident';

export async function openPg(url: string, want: 'auto' | DbFlavor, poolSize = 8): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'watchfloor', options: sessionOptions() });
  // A dropped server connection must not crash the process: the pool reconnects on next use.
  pool.on('error', (err) => console.warn(`[db] idle client error: ${err.message}`));
  const flavor = await detectFlavor(pool, want);
  /**
   * A checked-out client is off the pool's idle error listener: a server going away while it
   * is held (a stopped database mid-transaction) would otherwise be an unhandled 'error' event
   * that kills the process. Held, its error fails the query in flight; released with the
   * error, the pool discards it instead of handing a dead connection out again.
   */
  const checkout = async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => { broken = err; console.warn(`[db] connection lost: ${err.message}`); };
    client.on('error', onError);
    return {
      client,
      release(err?: Error) {
        client.off('error', onError);
        client.release(broken ?? err);
      },
    };
  };
  const query: Queryable['query'] = async <R extends object>(sql: string, params?: readonly unknown[]) => {
    const r = await pool.query(sql, params ? [...params] : undefined);
    return { rows: r.rows as R[] };
  };
  return {
    flavor,
    kind: 'server',
    query,
    async transaction(fn) {
      const { client, release } = await checkout();
      let dead: Error | undefined;
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
        // A failed ROLLBACK means the connection is gone: it must not go back to the pool.
        await client.query('ROLLBACK').catch((e: Error) => { dead = e; });
        throw err;
      } finally {
        release(dead);
      }
    },
    async execRaw(sql) { await pool.query(sql); },
    async withLock(key, fn) {
      const { client, release } = await checkout();
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
        release();
      }
    },
    async holdLock(key) {
      const { client, release } = await checkout();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
      } catch (err) {
        release();
        throw err;
      }
      return {
        async release() {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
          release();
        },
      };
    },
    async copyCsv(table, columns, csv) {
      const { client, release } = await checkout();
      try {
        const sink = client.query(copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), sink);
      } finally {
        release();
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
