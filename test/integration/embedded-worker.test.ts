/**
 * The embedded store runs PGlite in a worker thread behind the `Db` interface: a heavy
 * statement leaves the event loop free, values and errors cross the thread boundary
 * intact, transactions stay whole, and close() ends the thread.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '@watchfloor/ingest/store/db';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';

describe('embedded store worker', () => {
  let db: Db;
  before(async () => {
    db = await openPglite(null);
    await db.execRaw('CREATE TABLE t (id int PRIMARY KEY, note text)');
  });
  after(async () => { await db.close(); });

  test('a heavy query does not block the event loop', async () => {
    // Calibrate so the query takes long enough to measure on any machine.
    let n = 1_000_000;
    let ms = 0;
    for (;;) {
      const t0 = performance.now();
      await db.query('SELECT count(*)::int AS n FROM generate_series(1, $1::int)', [n]);
      ms = performance.now() - t0;
      if (ms >= 400 || n >= 64_000_000) break;
      n *= 2;
    }
    let maxLag = 0;
    let ticks = 0;
    const EVERY = 10;
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      maxLag = Math.max(maxLag, t - last - EVERY);
      last = t;
      ticks++;
    }, EVERY);
    const t0 = performance.now();
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, $1::int)', [n]);
    const took = performance.now() - t0;
    clearInterval(timer);
    maxLag = Math.max(maxLag, performance.now() - last - EVERY);
    assert.equal(rows[0]!.n, n);
    // On the event loop the timer would stall for the whole query; off it, it keeps ticking.
    assert.ok(took >= 200, `the query was long enough to tell (${took.toFixed(0)} ms)`);
    assert.ok(maxLag < took / 4, `timer lag ${maxLag.toFixed(0)} ms while the query took ${took.toFixed(0)} ms`);
    assert.ok(ticks >= (took / EVERY) / 4, `${ticks} ticks in ${took.toFixed(0)} ms`);
  });

  test('values cross the thread boundary as PGlite returns them', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const { rows } = await db.query<{ t: Date; b: number; big: bigint; y: Uint8Array; j: unknown; a: string[] }>(
      'SELECT $1::timestamptz AS t, $2::int8 AS b, $3::int8 AS big, $4::bytea AS y, $5::jsonb AS j, $6::text[] AS a',
      [at, 12_345_678_901n, 9_007_199_254_740_993n, Buffer.from([0, 1, 255]), JSON.stringify({ k: [1, 'x'] }), ['p', 'q']],
    );
    const r = rows[0]!;
    assert.ok(r.t instanceof Date);
    assert.equal(r.t.getTime(), at.getTime());
    assert.equal(r.b, 12_345_678_901);
    assert.equal(r.big, 9_007_199_254_740_993n);
    assert.deepEqual([...r.y], [0, 1, 255]);
    assert.deepEqual(r.j, { k: [1, 'x'] });
    assert.deepEqual(r.a, ['p', 'q']);
  });

  test('errors reject with PostgreSQL’s message and code; a bad parameter rejects too', async () => {
    await assert.rejects(db.query('SELECT 1 / 0'), (err: Error & { code?: string }) => err.message === 'division by zero' && err.code === '22012');
    await assert.rejects(db.query('SELEC 1'), (err: Error & { code?: string }) => /syntax error/.test(err.message) && err.code === '42601');
    await assert.rejects(db.query('INSERT INTO t VALUES (1, $1), (1, $1)', ['x']), (err: Error & { code?: string; constraint?: string }) => err.code === '23505' && err.constraint === 't_pkey');
    await assert.rejects(db.query('SELECT $1::text', [() => 1]), /could not be cloned/);
    // The store is still usable afterwards.
    assert.equal((await db.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n, 1);
  });

  test('a transaction is whole: a statement asked meanwhile waits and is not rolled back with it', async () => {
    let outside: Promise<unknown> | null = null;
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (10, 'inside')");
      // Issued while the transaction is open: it must neither join it nor see its row.
      outside = db.query<{ n: number }>("WITH i AS (INSERT INTO t VALUES (11, 'outside')) SELECT count(*)::int AS n FROM t WHERE id = 10");
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('abandon');
    }), /abandon/);
    const seen = (await outside!) as { rows: { n: number }[] };
    assert.equal(seen.rows[0]!.n, 0, 'the outside statement did not see the open transaction’s row');
    const { rows } = await db.query<{ id: number }>('SELECT id FROM t WHERE id IN (10, 11) ORDER BY id');
    assert.deepEqual(rows.map((r) => r.id), [11]);

    // Two transactions at once take turns; both commit.
    const order: string[] = [];
    await Promise.all(['a', 'b'].map((k, i) => db.transaction(async (tx) => {
      order.push(`${k}+`);
      await tx.query('INSERT INTO t VALUES ($1, $2)', [20 + i, k]);
      await new Promise((r) => setTimeout(r, 20));
      await tx.query('UPDATE t SET note = note || $2 WHERE id = $1', [20 + i, '!']);
      order.push(`${k}-`);
    })));
    assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-']);
    assert.deepEqual((await db.query<{ note: string }>('SELECT note FROM t WHERE id >= 20 ORDER BY id')).rows.map((r) => r.note), ['a!', 'b!']);
  });

  test('COPY loads CSV through the worker', async () => {
    await db.copyCsv('t', ['id', 'note'], '30,"x, y"\n31,z\n');
    assert.deepEqual((await db.query<{ note: string }>('SELECT note FROM t WHERE id IN (30, 31) ORDER BY id')).rows.map((r) => r.note), ['x, y', 'z']);
  });

  test("the store thread's memory is reported (WASM linear memory, its V8 heap), with statements in flight", async () => {
    assert.ok(db.memory, 'the embedded store reports its memory');
    const idle = await db.memory();
    // PGlite's linear memory is tens of MB at least, in 64 KiB WebAssembly pages.
    assert.ok(idle.wasmBytes > 16 * 2 ** 20 && idle.wasmBytes % 65_536 === 0, String(idle.wasmBytes));
    assert.ok(idle.heapUsedBytes > 0 && idle.heapTotalBytes >= idle.heapUsedBytes, JSON.stringify(idle));
    // Asked while a statement is in flight: answered, and the statement's answer is not disturbed.
    const q = db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 300000)');
    const busy = await db.memory();
    assert.ok(busy.wasmBytes >= idle.wasmBytes);
    assert.equal((await q).rows[0]!.n, 300_000);
  });
});

test('close() waits for what was asked, then ends the worker; later calls reject', async () => {
  const db = await openPglite(null);
  const q = db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 100000)');
  await db.close();
  assert.equal((await q).rows[0]!.n, 100_000);
  await assert.rejects(db.query('SELECT 1'), /closed/);
  await assert.rejects(db.memory!(), /closed/);
  await db.close(); // twice is harmless
});
