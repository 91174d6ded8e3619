/**
 * The audit trail: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and
 * hash-chained, so that a change made around the trigger (by the table's owner, say) is still
 * found: each entry's hash is sha256(prev_hash || canonical entry), and `verifyAudit` walks
 * the chain to the first link that does not hold. Appends take a transaction-scoped advisory
 * lock, so entries from several web instances chain one after the other.
 */
import crypto from 'node:crypto';
import type { AuditAction, AuditEntry } from '@watchfloor/config/auth';
import type { Queryable } from './db';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** Advisory-lock key of appends ("WFAU" folded into 31 bits). */
const AUDIT_LOCK = 0x57464155;

export interface AuditInput {
  actor: string;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  /** Codes and counts only: never a password, a phone or a name beyond the actor and target. */
  details?: Record<string, string | number | boolean | null>;
}

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

type Hashed = Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'action' | 'target' | 'ip' | 'details'>;

export function entryHash(prevHash: string, e: Hashed): string {
  const row = canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, ip: e.ip, details: e.details });
  return crypto.createHash('sha256').update(prevHash).update('\n').update(row).digest('hex');
}

/** Appends one entry inside the caller's transaction (so an action and its entry commit together). */
export async function appendAudit(tx: Queryable, input: AuditInput): Promise<AuditEntry> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const { rows } = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const last = rows[0];
  const e: Hashed = {
    seq: last ? Number(last.seq) + 1 : 1,
    // Milliseconds, as the chain hashes it: timestamptz keeps them exactly.
    at: new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    ip: input.ip ?? null,
    details: input.details ?? {},
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, e);
  await tx.query(
    'INSERT INTO audit_log (seq, at, actor, action, target, ip, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)',
    [e.seq, e.at, e.actor, e.action, e.target, e.ip, JSON.stringify(e.details), prevHash, hash],
  );
  return { ...e, prevHash, hash };
}

type Raw = { seq: string | number; at: Date | string; actor: string; action: string; target: string | null; ip: string | null; details: Record<string, unknown> | string; prev_hash: string; hash: string };

function toEntry(r: Raw): AuditEntry {
  return {
    seq: Number(r.seq), at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, target: r.target, ip: r.ip,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
    prevHash: r.prev_hash, hash: r.hash,
  };
}

/** Entries at or after `from` and before `to`, of one actor, action and target when given (each exact), newest first. */
export async function listAudit(db: Queryable, q: { from: Date | null; to: Date | null; actor?: string | null; action?: string | null; target?: string | null; limit?: number }): Promise<AuditEntry[]> {
  const { rows } = await db.query<Raw>(
    `SELECT * FROM audit_log
     WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
       AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4) AND ($6::text IS NULL OR target = $6)
     ORDER BY seq DESC LIMIT $5`,
    [q.from?.toISOString() ?? null, q.to?.toISOString() ?? null, q.actor ?? null, q.action ?? null, q.limit ?? 1000, q.target ?? null],
  );
  return rows.map(toEntry);
}

export type AuditVerdict =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAt: number; reason: string };

/** Walks the whole chain in order (in pages) and reports the first entry whose link does not hold. */
export async function verifyAudit(db: Queryable, pageSize = 5000): Promise<AuditVerdict> {
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let count = 0;
  for (;;) {
    const { rows } = await db.query<Raw>('SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [expectSeq, pageSize]);
    if (!rows.length) return { ok: true, entries: count, head: prevHash };
    for (const r of rows.map(toEntry)) {
      const broken = (reason: string): AuditVerdict => ({ ok: false, entries: count, brokenAt: r.seq, reason });
      if (r.seq !== expectSeq) return { ok: false, entries: count, brokenAt: expectSeq, reason: `entry ${expectSeq} is missing` };
      if (r.prevHash !== prevHash) return broken('its prev_hash is not the hash of the entry before it');
      if (entryHash(prevHash, r) !== r.hash) return broken('its contents do not match its hash');
      prevHash = r.hash;
      expectSeq++;
      count++;
    }
  }
}
