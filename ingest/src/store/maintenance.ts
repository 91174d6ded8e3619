/**
 * Periodic upkeep the TimescaleDB job scheduler does on a server but nobody does for
 * PGlite (no background workers) or plain PostgreSQL (no TimescaleDB): retention, and on
 * every store the day rollups' share of it.
 */
import type { Db } from './db';

const RETENTION = [
  { table: 'calls', column: 'received_at', keep: '730 days' },
  { table: 'alerts', column: 'occurred_at', keep: '730 days' },
  { table: 'unit_events', column: 'at', keep: '90 days' },
] as const;

/** The day rollups (migration 013) of each stream, trimmed with it. */
const ROLLUPS = { calls: ['calls_by_day', 'calls_by_day_grid'], alerts: ['alerts_by_day'], unit_events: [] } as const satisfies Record<(typeof RETENTION)[number]['table'], readonly string[]>;

export async function runMaintenance(db: Db): Promise<void> {
  // Every kind of store, the server too (its job scheduler trims the streams, not the rollups):
  // the days wholly past retention. The day the cutoff falls in stays, as its raw rows partly do.
  for (const r of RETENTION) {
    for (const t of ROLLUPS[r.table]) await db.execRaw(`DELETE FROM ${t} WHERE day < local_day(now() - INTERVAL '${r.keep}')`);
  }
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
