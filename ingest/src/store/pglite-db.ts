/**
 * Embedded store: PGlite (PostgreSQL in WASM) with the TimescaleDB extension, data kept
 * under DATA_DIR. Used directly rather than through @electric-sql/pglite-socket: the
 * socket server 0.0.19 crashes the WASM instance ("RuntimeError: unreachable") on a
 * ~100 KB extended-protocol message, i.e. on any real batch; see docs/operations.md.
 *
 * PGlite executes a statement synchronously on the thread that owns it, so it lives in a
 * worker thread (pglite-worker.ts): a heavy read must not stall every socket of the
 * process. PGlite is one session, so this side keeps transactions whole: while one is
 * open, only its own statements go to the worker, and everything else waits its turn.
 */
import { Worker } from 'node:worker_threads';
import type { Db, Queryable, Session, StoreMemory } from './db';
import { EmbeddedStoreError, type Reply, type Request, type WorkerInit } from './pglite-protocol';
import { ident } from './sql-ident';

type Body = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/**
 * Starts the worker module beside this one. Under tsx (dev, tests) the module is TypeScript,
 * and Node 20's module hooks are per thread: the worker registers tsx's loader itself first.
 */
function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  const file = new URL(`./pglite-worker${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href;
  if (!here.endsWith('.ts')) return new Worker(new URL(file), { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`;
  return new Worker(boot, { eval: true, workerData: init });
}

export async function openPglite(dataDir: string | null): Promise<Db> {
  const worker = startWorker({ dataDir });
  const pending = new Map<number, { resolve(rows: unknown[]): void; reject(err: Error): void }>();
  const memoryAsks = new Map<number, { resolve(m: StoreMemory): void; reject(err: Error): void }>();
  let nextId = 0;
  let stopped: Error | null = null;
  let closing: Promise<void> | null = null;

  /** Nothing asked is awaiting an answer: the worker may be unref'd (and must be ref'd again before the next ask). */
  const idle = () => pending.size === 0 && memoryAsks.size === 0;
  const settle = (r: Reply) => {
    if (r.kind === 'memory') {
      const ask = memoryAsks.get(r.id);
      memoryAsks.delete(r.id);
      if (idle()) worker.unref();
      ask?.resolve(r.memory);
      return;
    }
    if (r.kind !== 'result' && r.kind !== 'error') return;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    // An idle store must not keep the process alive, as the in-thread PGlite never did.
    if (idle()) worker.unref();
    if (r.kind === 'result') p.resolve(r.rows);
    else p.reject(new EmbeddedStoreError(r.error));
  };
  const closedError = () => new Error('embedded store is closed');
  const stop = (err: Error) => {
    stopped ??= err;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
    for (const p of memoryAsks.values()) p.reject(stopped);
    memoryAsks.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const onMessage = (r: Reply) => {
      if (r.kind === 'ready') { done(); resolve(); } else if (r.kind === 'failed') { done(); reject(new EmbeddedStoreError(r.error)); }
    };
    const onError = (err: Error) => { done(); reject(err); };
    const onExit = (code: number) => { done(); reject(new Error(`embedded store worker exited with code ${code} while opening`)); };
    const done = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  worker.on('message', settle);
  worker.on('error', (err) => stop(new Error(`embedded store worker failed: ${err.message}`)));
  const exited = new Promise<void>((resolve) => worker.once('exit', (code) => {
    // After close() asked it to, the worker's exit is the close itself, whichever lands first.
    stop(closing ? closedError() : new Error(`embedded store worker exited (code ${code})`));
    resolve();
  }));
  worker.unref();

  /** Posts one request at once (the caller decides whether it may go now). */
  const send = (body: Body): Promise<unknown[]> => {
    if (stopped) return Promise.reject(stopped);
    const id = ++nextId;
    return new Promise<unknown[]>((resolve, reject) => {
      if (idle()) worker.ref();
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...body, id });
      } catch (err) {
        // e.g. a parameter that cannot be cloned (a function): refused before it left.
        pending.delete(id);
        if (idle()) worker.unref();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  };

  // Requests that must wait until the open transaction ends, in arrival order. Each start
  // posts synchronously, so the worker receives requests in exactly this order.
  let txOpen = false;
  const waiting: Array<() => void> = [];
  const whenFree = (start: () => void) => {
    if (!txOpen && waiting.length === 0) start();
    else waiting.push(start);
  };
  const drain = () => { while (!txOpen && waiting.length > 0) waiting.shift()!(); };
  const outside = (body: Body): Promise<unknown[]> => new Promise((resolve, reject) => whenFree(() => { send(body).then(resolve, reject); }));

  let txSeq = 0;

  const query: Queryable['query'] = async <R extends object>(sql: string, params?: readonly unknown[]) => {
    const rows = await outside({ op: 'query', tx: null, sql, params: params ? [...params] : undefined });
    return { rows: rows as R[] };
  };
  const execRaw = async (sql: string) => { await outside({ op: 'exec', tx: null, sql }); };
  const session: Session = { query, execRaw };

  return {
    flavor: 'timescale',
    kind: 'embedded',
    query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = ++txSeq;
      await new Promise<unknown[]>((resolve, reject) => whenFree(() => {
        txOpen = true;
        send({ op: 'begin', tx }).then(resolve, (err: unknown) => { txOpen = false; drain(); reject(err); });
      }));
      const end = (op: 'commit' | 'rollback') => {
        const p = send({ op, tx });
        // Posted: whatever waited may follow it to the worker now.
        txOpen = false;
        drain();
        return p;
      };
      let out: T;
      try {
        out = await fn({
          async query<R extends object>(sql: string, params?: readonly unknown[]) {
            const rows = await send({ op: 'query', tx, sql, params: params ? [...params] : undefined });
            return { rows: rows as R[] };
          },
        });
      } catch (err) {
        await end('rollback').catch(() => undefined);
        throw err;
      }
      await end('commit');
      return out;
    },
    execRaw,
    // PGlite is a single connection inside this process: no other instance can interleave.
    withLock: (_key, fn) => fn(session),
    // One process owns an embedded store: the lock is always free.
    holdLock: async () => ({ release: async () => undefined }),
    async copyCsv(table, columns, csv) {
      await outside({ op: 'copy', tx: null, sql: `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, csv });
    },
    memory() {
      if (stopped) return Promise.reject(stopped);
      const id = ++nextId;
      return new Promise<StoreMemory>((resolve, reject) => {
        if (idle()) worker.ref();
        memoryAsks.set(id, { resolve, reject });
        worker.postMessage({ op: 'memory', id } satisfies Request);
      });
    },
    close() {
      closing ??= (async () => {
        try {
          // Queued behind everything already asked, so pending work finishes first.
          if (!stopped) await outside({ op: 'close' });
        } finally {
          stop(closedError());
          const timer = setTimeout(() => void worker.terminate(), 5_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
