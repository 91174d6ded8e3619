/**
 * Serialises the writers that meet on an incident row from two sides. A call's batch inserts
 * its incident and then looks up the dispatches and unit reports stored before it; a batch of
 * those updates the incidents they name. Run at once in two transactions (two ingest
 * processes, or two partitions of one), neither sees the other's uncommitted rows: the
 * incident kept "dispatched" while its units had long reported it handled (found by the
 * scale-out test). So each batch first takes a transaction-scoped advisory lock per bucket of
 * the incident ids it touches: shared for calls (calls batches never meet each other),
 * exclusive for dispatches and unit reports; the later transaction then starts its statements
 * after the earlier one committed, and sees its rows. Buckets keep the lock count per
 * transaction bounded (advisory locks live in the shared lock table), and they are taken in
 * ascending order, so two batches can never wait on each other in a circle.
 */
import type { StoredRecord } from '../records';
import type { Queryable } from './db';

/** First key of the two-key advisory locks: "WFIN" folded into 31 bits, apart from the rules lock. */
const LOCK_CLASS = 0x5746494e;
const BUCKETS = 256;

/** FNV-1a of the id, folded into a bucket: the same id gives the same bucket in every process. */
function bucketOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/** The incident a record writes or moves (null: it touches none). */
function incidentIdOf(r: StoredRecord): string | null {
  switch (r.topic) {
    case 'police.calls': return r.event.id;
    case 'dispatch.commands': return r.event.incidentId;
    case 'unit.status': return r.event.incidentId ?? null;
    default: return null;
  }
}

/** Takes the batch's incident locks; call first thing in its transaction (before any read it judges by). */
export async function lockIncidents(tx: Queryable, records: readonly StoredRecord[]): Promise<void> {
  const ids = records.flatMap((r) => { const id = incidentIdOf(r); return id === null ? [] : [id]; });
  if (ids.length === 0) return;
  const shared = records[0]!.topic === 'police.calls';
  const buckets = [...new Set(ids.map(bucketOf))].sort((a, b) => a - b);
  // unnest yields the array in order and each row is locked as it is produced: ascending.
  await tx.query(
    `SELECT ${shared ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}($1::int, b) FROM unnest($2::int[]) AS b`,
    [LOCK_CLASS, buckets],
  );
}
