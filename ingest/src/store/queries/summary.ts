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

/** Which calls and alerts a range holds ($1 from, $2 to, $3 town or null): every count of them uses these. */
export const CALLS_IN = 'received_at >= $1 AND received_at < $2 AND ($3::text IS NULL OR town_code = $3)';
export const ALERTS_IN = 'occurred_at >= $1 AND occurred_at < $2 AND ($3::text IS NULL OR town_code = $3)';

/** Just the totals of calls and alerts in a range (a previous period, last year's). */
export async function totals(db: Queryable, range: Range): Promise<{ calls: number; alerts: number }> {
  const { rows } = await db.query<{ calls: number; alerts: number }>(
    `SELECT (SELECT count(*)::int FROM calls WHERE ${CALLS_IN}) AS calls, (SELECT count(*)::int FROM alerts WHERE ${ALERTS_IN}) AS alerts`,
    [range.from.toISOString(), range.to.toISOString(), range.townCode ?? null],
  );
  return { calls: rows[0]?.calls ?? 0, alerts: rows[0]?.alerts ?? 0 };
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export async function summary(db: Queryable, range: Range): Promise<Summary> {
  const p = [range.from.toISOString(), range.to.toISOString(), range.townCode ?? null];
  const calls = await db.query<CountRow>(
    // One scan of the range for the three breakdowns (grouping sets) rather than one scan each.
    // GROUPING() sets a bit per column not grouped on: 3 = by category, 5 = by town, 6 = by grid.
    // Calls without a grid fall in the grid set under a null key, which fold() leaves out.
    `SELECT CASE GROUPING(category, town_code, grid_id) WHEN 3 THEN 'category' WHEN 5 THEN 'town' ELSE 'grid' END AS dim,
            CASE GROUPING(category, town_code, grid_id) WHEN 3 THEN category WHEN 5 THEN town_code ELSE grid_id END AS key, count(*)::int AS n
     FROM calls WHERE ${CALLS_IN} GROUP BY GROUPING SETS ((category), (town_code), (grid_id))`,
    p,
  );
  const alerts = await db.query<CountRow>(
    // As above: 1 = by type, 2 = by town.
    `SELECT CASE GROUPING(type, town_code) WHEN 1 THEN 'type' ELSE 'town' END AS dim,
            CASE GROUPING(type, town_code) WHEN 1 THEN type ELSE town_code END AS key, count(*)::int AS n
     FROM alerts WHERE ${ALERTS_IN} GROUP BY GROUPING SETS ((type), (town_code))`,
    p,
  );
  const caseState = await db.query<CountRow>(
    `WITH touched AS (SELECT DISTINCT case_id FROM case_events WHERE changed_at >= $1 AND changed_at < $2 AND ($3::text IS NULL OR town_code = $3)),
     -- Each case's last change before the end, one index probe per case (case_events_case): a
     -- join over the whole history would read every change of every case instead.
     latest AS (
       SELECT l.status, l.level, l.risk FROM touched t CROSS JOIN LATERAL (
         SELECT e.status, e.level, e.risk FROM case_events e WHERE e.case_id = t.case_id AND e.changed_at < $2
         ORDER BY e.changed_at DESC, e.ingested_at DESC LIMIT 1) l)
     SELECT 'status' AS dim, status AS key, count(*)::int AS n FROM latest GROUP BY status
     UNION ALL SELECT 'level', level, count(*)::int FROM latest GROUP BY level
     UNION ALL SELECT 'risk', risk, count(*)::int FROM latest GROUP BY risk`,
    p,
  );
  const r = await resolution(db, range);

  const byCategory = fold(calls.rows, 'category');
  const byType = fold(alerts.rows, 'type');
  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString() },
    calls: { total: sum(byCategory), byCategory, byTown: fold(calls.rows, 'town', 'outside'), byGrid: fold(calls.rows, 'grid') },
    alerts: { total: sum(byType), byType, byTown: fold(alerts.rows, 'town', 'outside') },
    cases: {
      byStatus: fold(caseState.rows, 'status'), byLevel: fold(caseState.rows, 'level'), byRisk: fold(caseState.rows, 'risk'),
      identified: r.identified, resolved: r.resolved, resolutionRate: r.rate, resolvedAtLevel: r.resolvedAtLevel,
    },
  };
}
