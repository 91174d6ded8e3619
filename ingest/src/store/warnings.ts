/**
 * Warnings in the store: the engine's changes are upserted by id (an acknowledgement made
 * by a person survives the engine's later updates), every step is kept in
 * warning_history, and people acknowledge or resolve by hand through here.
 */
import { RuleId, WarningColour, type Warning, type WarningChange } from '@watchfloor/config/rules';
import type { Queryable } from './db';

export interface WarningRow {
  id: string; rule: RuleId; colour: WarningColour; regionCode: string; subject: string; reason: string; evidence: string[];
  figures: Record<string, number>; raisedAt: string; updatedAt: string; status: Warning['status'];
  resolvedAt: string | null; acknowledgedAt: string | null; acknowledgedBy: string | null; note: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function storeWarningChanges(tx: Queryable, changes: readonly WarningChange[], opts: { history: boolean } = { history: true }): Promise<void> {
  if (changes.length === 0) return;
  // Several changes to one warning in a batch: the last one is its state.
  const last = new Map<string, Warning>();
  for (const c of changes) last.set(c.warning.id, c.warning);
  const ws = [...last.values()];
  await tx.query(
    `INSERT INTO warnings AS w (id, rule, colour, region_code, subject, reason, evidence, figures, raised_at, updated_at, status, resolved_at)
     SELECT v.id, v.rule, v.colour, v.region_code, v.subject, v.reason, ARRAY(SELECT jsonb_array_elements_text(v.evidence::jsonb)), v.figures::jsonb,
            v.raised_at, v.updated_at, v.status, v.resolved_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                 $9::timestamptz[], $10::timestamptz[], $11::text[], $12::timestamptz[])
          AS v(id, rule, colour, region_code, subject, reason, evidence, figures, raised_at, updated_at, status, resolved_at)
     ON CONFLICT (id) DO UPDATE SET colour = excluded.colour, reason = excluded.reason, evidence = excluded.evidence,
       figures = excluded.figures, updated_at = excluded.updated_at,
       -- A person's acknowledgement or hand resolution stands until the condition itself resolves.
       status = CASE WHEN w.status = 'resolved' THEN 'resolved'
                     WHEN excluded.status = 'resolved' THEN 'resolved'
                     -- Yellow turning red calls for a new look, as the engine says: raised again.
                     WHEN w.status = 'acknowledged' AND w.colour = 'yellow' AND excluded.colour = 'red' THEN 'raised'
                     WHEN w.status = 'acknowledged' THEN 'acknowledged' ELSE excluded.status END,
       resolved_at = coalesce(w.resolved_at, excluded.resolved_at)`,
    [
      ws.map((w) => w.id), ws.map((w) => w.rule), ws.map((w) => w.colour), ws.map((w) => w.regionCode), ws.map((w) => w.subject),
      ws.map((w) => w.reason), ws.map((w) => JSON.stringify(w.evidence)), ws.map((w) => JSON.stringify(w.figures)),
      ws.map((w) => iso(w.raisedAt)), ws.map((w) => iso(w.updatedAt)), ws.map((w) => (w.status === 'resolved' ? 'resolved' : 'raised')),
      ws.map((w) => iso(w.resolvedAt)),
    ],
  );
  if (!opts.history) return;
  // event_at: the step's event time (the rules run on it), which replay reads (migration 011).
  await tx.query(
    `INSERT INTO warning_history (warning_id, kind, colour, reason, event_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
    [changes.map((c) => c.warning.id), changes.map((c) => c.kind), changes.map((c) => c.warning.colour), changes.map((c) => c.warning.reason),
      changes.map((c) => iso(c.kind === 'resolved' ? c.warning.resolvedAt ?? c.warning.updatedAt : c.kind === 'raised' ? c.warning.raisedAt : c.warning.updatedAt))],
  );
}

type Raw = {
  id: string; rule: string; colour: string; region_code: string; subject: string; reason: string; evidence: string[]; figures: Record<string, number> | string;
  raised_at: Date; updated_at: Date; status: Warning['status']; resolved_at: Date | null; acknowledged_at: Date | null; acknowledged_by: string | null; ack_note: string | null;
};

function toRow(r: Raw): WarningRow {
  const d = (x: Date | null) => (x ? new Date(x).toISOString() : null);
  return {
    // Checked on the way out: the table's text columns hold codes that config/ defines.
    id: r.id, rule: RuleId.parse(r.rule), colour: WarningColour.parse(r.colour), regionCode: r.region_code, subject: r.subject, reason: r.reason, evidence: r.evidence ?? [],
    figures: typeof r.figures === 'string' ? (JSON.parse(r.figures) as Record<string, number>) : r.figures,
    raisedAt: d(r.raised_at)!, updatedAt: d(r.updated_at)!, status: r.status, resolvedAt: d(r.resolved_at),
    acknowledgedAt: d(r.acknowledged_at), acknowledgedBy: r.acknowledged_by, note: r.ack_note,
  };
}

export type WarningFilter = 'open' | 'acknowledged' | 'resolved' | 'active' | 'all';

const FILTER_SQL: Record<WarningFilter, string> = {
  open: "status = 'raised'",
  acknowledged: "status = 'acknowledged'",
  resolved: "status = 'resolved'",
  active: "status <> 'resolved'",
  all: 'TRUE',
};

export async function listWarnings(db: Queryable, filter: WarningFilter, range: { from: Date | null; to: Date | null }, limit = 1000): Promise<WarningRow[]> {
  const { rows } = await db.query<Raw>(
    `SELECT * FROM warnings WHERE ${FILTER_SQL[filter]}
       AND ($1::timestamptz IS NULL OR raised_at >= $1) AND ($2::timestamptz IS NULL OR raised_at < $2)
     ORDER BY raised_at DESC LIMIT $3`,
    [range.from?.toISOString() ?? null, range.to?.toISOString() ?? null, limit],
  );
  return rows.map(toRow);
}

export type HandAction = { kind: 'ack' | 'resolve'; id: string; by: string; note: string | null };

/** Acknowledge or resolve by hand. Null when there is no such warning; 'resolved' when it is already over. */
export async function actOnWarning(tx: Queryable, a: HandAction): Promise<WarningRow | null | 'resolved'> {
  const { rows } = await tx.query<Raw>('SELECT * FROM warnings WHERE id = $1 FOR UPDATE', [a.id]);
  const cur = rows[0];
  if (!cur) return null;
  if (cur.status === 'resolved') return 'resolved';
  const { rows: upd } = await tx.query<Raw>(
    a.kind === 'ack'
      ? `UPDATE warnings SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2, ack_note = $3, updated_at = greatest(updated_at, now()) WHERE id = $1 RETURNING *`
      : `UPDATE warnings SET status = 'resolved', resolved_at = now(), resolved_by = $2, ack_note = coalesce($3, ack_note), updated_at = greatest(updated_at, now()) WHERE id = $1 RETURNING *`,
    [a.id, a.by, a.note],
  );
  await tx.query('INSERT INTO warning_history (warning_id, kind, colour, reason, by_user, note, event_at) VALUES ($1, $2, $3, $4, $5, $6, now())',
    [a.id, a.kind === 'ack' ? 'acknowledged' : 'resolved_by_hand', cur.colour, cur.reason, a.by, a.note]);
  return toRow(upd[0]!);
}

/**
 * After a rebuild: every stored warning still active that the rebuilt engine does not hold
 * open is over (its condition no longer holds in the events, or it was stored under an id an
 * older engine gave it). Resolved as of `at`, with a history step; returns them.
 */
export async function resolveActiveExcept(tx: Queryable, openIds: readonly string[], at: number): Promise<WarningRow[]> {
  const { rows } = await tx.query<Raw>(
    `UPDATE warnings SET status = 'resolved', resolved_at = $2, updated_at = greatest(updated_at, $2)
     WHERE status <> 'resolved' AND NOT (id = ANY($1::text[])) RETURNING *`,
    [[...openIds], iso(at)],
  );
  if (rows.length) {
    await tx.query(
      `INSERT INTO warning_history (warning_id, kind, colour, reason, event_at) SELECT *, $5::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [rows.map((r) => r.id), rows.map(() => 'resolved'), rows.map((r) => r.colour), rows.map((r) => r.reason), iso(at)],
    );
  }
  return rows.map(toRow);
}

/** The stored acknowledgements of active warnings, for a rebuilt engine to take over. */
export async function activeAcknowledgements(db: Queryable): Promise<{ id: string; by: string; at: number }[]> {
  const { rows } = await db.query<{ id: string; acknowledged_by: string | null; acknowledged_at: Date | null }>(
    "SELECT id, acknowledged_by, acknowledged_at FROM warnings WHERE status = 'acknowledged'",
  );
  return rows.map((r) => ({ id: r.id, by: r.acknowledged_by ?? '', at: r.acknowledged_at ? new Date(r.acknowledged_at).getTime() : 0 }));
}

export async function activeWarningIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM warnings WHERE status <> 'resolved'");
  return rows.map((r) => r.id);
}

/** A stored row as the engine's Warning (for announcing a change the store made). */
export function rowToWarning(r: WarningRow): Warning {
  const ms = (x: string | null) => (x === null ? null : Date.parse(x));
  return {
    id: r.id, rule: RuleId.parse(r.rule), colour: WarningColour.parse(r.colour), regionCode: r.regionCode, subject: r.subject, reason: r.reason,
    evidence: r.evidence, figures: r.figures, raisedAt: Date.parse(r.raisedAt), updatedAt: Date.parse(r.updatedAt), status: r.status,
    resolvedAt: ms(r.resolvedAt), acknowledgedAt: ms(r.acknowledgedAt), acknowledgedBy: r.acknowledgedBy,
  };
}
