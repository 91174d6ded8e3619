/**
 * Periodic upkeep the TimescaleDB job scheduler does on a server but nobody does for
 * PGlite (no background workers) or plain PostgreSQL (no TimescaleDB): retention.
 */
import type { Db } from './db';

const RETENTION = [
  { table: 'calls', column: 'received_at', keep: '730 days' },
  { table: 'alerts', column: 'occurred_at', keep: '730 days' },
  { table: 'unit_events', column: 'at', keep: '90 days' },
] as const;

export async function runMaintenance(db: Db): Promise<void> {
  if (db.flavor === 'timescale') {
    if (db.kind === 'server') return; // the server's own job scheduler runs the policies
    // Whole chunks past retention: cheap, and what the retention policy would do.
    for (const r of RETENTION) await db.execRaw(`SELECT drop_chunks('${r.table}', older_than => INTERVAL '${r.keep}')`);
    return;
  }
  for (const r of RETENTION) await db.execRaw(`DELETE FROM ${r.table} WHERE ${r.column} < now() - INTERVAL '${r.keep}'`);
}

/** Runs maintenance every `everyMs` until stopped; a failure is logged and retried next round. */
export function scheduleMaintenance(db: Db, everyMs: number, log: (l: string) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runMaintenance(db).catch((err: Error) => log(`[store] maintenance failed: ${err.message}`)).finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
