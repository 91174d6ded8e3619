/**
 * Read model: figures for any half-open event-time range [from, to). The wall, the
 * briefing and the acceptance checks all read these same numbers, so each is defined
 * once here:
 * - calls/alerts: events whose event time lies in the range; no grid → town "outside".
 * - cases.byStatus/byLevel/byRisk: cases with any change in the range, as they stood at
 *   the range's end (their last change before `to`).
 * - cases.identified: cases first registered in the range; resolved: those of them
 *   resolved or closed by the range's end; resolutionRate (化解率) = resolved ÷ identified
 *   (one definition for every reader: queries/resolution.ts).
 * - cases.resolvedAtLevel: where those resolutions happened (小事不出村、大事不出镇).
 */
import type { Queryable } from '../db';
import { dayCounts, type DayCount, type DaySource } from './day-counts';
import { resolution } from './resolution';

/** A half-open range; `townCode` narrows every figure to one town (absent or null: the county). */
export interface Range { from: Date; to: Date; townCode?: string | null }

export interface Summary {
  range: { from: string; to: string };
  calls: { total: number; byCategory: Record<string, number>; byTown: Record<string, number>; byGrid: Record<string, number> };
  alerts: { total: number; byType: Record<string, number>; byTown: Record<string, number> };
  cases: {
    byStatus: Record<string, number>; byLevel: Record<string, number>; byRisk: Record<string, number>;
    identified: number; resolved: number; resolutionRate: number | null; resolvedAtLevel: Record<string, number>;
  };
}

type CountRow = { dim: string; key: string | null; n: number };

function fold(rows: CountRow[], dim: string, nullKey?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) {
    if (r.dim !== dim) continue;
    const k = r.key ?? nullKey;
    if (k === undefined) continue;
    out[k] = (out[k] ?? 0) + r.n;
  }
  return out;
}

/** Just the totals of calls and alerts in a range (a previous period, last year's). */
export async function totals(db: Queryable, range: Range): Promise<{ calls: number; alerts: number }> {
  const counts = await dayCounts(db, ['callsByCategory', 'alertsByType'], [range], { townCode: range.townCode ?? null });
  const total = (source: DaySource) => counts.reduce((a, c) => a + (c.source === source ? c.n : 0), 0);
  return { calls: total('callsByCategory'), alerts: total('alertsByType') };
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** Adds up counts by what `key` picks from each; a null pick is filed under `nullKey`, or left out without one. */
function foldCounts(counts: readonly DayCount[], source: DaySource, key: (c: DayCount) => string | null, nullKey?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) {
    if (c.source !== source) continue;
    const k = key(c) ?? nullKey;
    if (k === undefined) continue;
    out[k] = (out[k] ?? 0) + c.n;
  }
  return out;
}

export async function summary(db: Queryable, range: Range): Promise<Summary> {
  const p = [range.from.toISOString(), range.to.toISOString(), range.townCode ?? null];
  // Calls and alerts from the day rollups (whole local days) and the streams (the edges).
  const counts = await dayCounts(db, ['callsByCategory', 'callsByGrid', 'alertsByType'], [range], { townCode: range.townCode ?? null });
  const caseState = await db.query<CountRow>(
    `WITH touched AS (
       SELECT t.case_id, c.status, c.level, c.risk, c.changed_at FROM (
         SELECT DISTINCT case_id FROM case_events WHERE changed_at >= $1 AND changed_at < $2 AND ($3::text IS NULL OR town_code = $3)) t
       LEFT JOIN cases c USING (case_id)),
     -- Each case's last change before the end: the current row's when the case has not changed
     -- since (store/write-events.ts keeps it the newest change), otherwise one index probe
     -- (case_events_case); a join over the whole history would read every change of every case.
     -- A touched case changed within the range, so its last change before the end is not before
     -- the start: bounded so, the embedded store's hypertable plans the range's chunks only.
     latest AS (
       SELECT status, level, risk FROM touched WHERE changed_at < $2
       UNION ALL
       SELECT l.status, l.level, l.risk FROM touched t CROSS JOIN LATERAL (
         SELECT e.status, e.level, e.risk FROM case_events e WHERE e.case_id = t.case_id AND e.changed_at >= $1 AND e.changed_at < $2
         ORDER BY e.changed_at DESC, e.ingested_at DESC LIMIT 1) l
       WHERE t.changed_at IS NULL OR t.changed_at >= $2)
     SELECT 'status' AS dim, status AS key, count(*)::int AS n FROM latest GROUP BY status
     UNION ALL SELECT 'level', level, count(*)::int FROM latest GROUP BY level
     UNION ALL SELECT 'risk', risk, count(*)::int FROM latest GROUP BY risk`,
    p,
  );
  const r = await resolution(db, range);

  const byCategory = foldCounts(counts, 'callsByCategory', (c) => c.key);
  const byType = foldCounts(counts, 'alertsByType', (c) => c.key);
  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
    calls: {
      total: sum(byCategory), byCategory, byTown: foldCounts(counts, 'callsByCategory', (c) => c.town, 'outside'),
      byGrid: foldCounts(counts, 'callsByGrid', (c) => c.key),
    },
    alerts: { total: sum(byType), byType, byTown: foldCounts(counts, 'alertsByType', (c) => c.town, 'outside') },
    cases: {
      byStatus: fold(caseState.rows, 'status'), byLevel: fold(caseState.rows, 'level'), byRisk: fold(caseState.rows, 'risk'),
      identified: r.identified, resolved: r.resolved, resolutionRate: r.rate, resolvedAtLevel: r.resolvedAtLevel,
    },
  };
}
