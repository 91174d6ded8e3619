/**
 * 化解率's counts for a half-open range [from, to) (rule: config/src/resolution.ts): the
 * cases first registered in the range, and those of them whose last change before `to`
 * has a resolved status, by the level where that happened. The summary and the wall both
 * read this, so the two cannot disagree.
 */
import { RESOLVED_STATUSES, resolutionRate } from '@watchfloor/config/resolution';
import type { Queryable } from '../db';

export interface Resolution { identified: number; resolved: number; rate: number | null; resolvedAtLevel: Record<string, number> }

/** Which cases count: `kinds` (absent: every kind) in `townCode` (absent or null: the county). */
export interface ResolutionScope { townCode?: string | null; kinds?: readonly string[] | null }

// A case whose current row (its newest change, store/write-events.ts) is older than `to` stood
// at `to` as that row says: only the cases changed since are looked up in their history, one
// index probe each. Over the last 30 days (the wall) that is nearly none of them instead of
// every case of the month. A case's changes all lie at or after its opened_at (the writers keep
// it the earliest), so none before `from`: bounded so, the embedded store's hypertable plans the
// range's chunks only instead of a year's.
export async function resolution(db: Queryable, range: { from: Date; to: Date; townCode?: string | null }, scope: ResolutionScope = {}): Promise<Resolution> {
  const { rows } = await db.query<{ identified: number; resolved: number; level: string | null; n: number }>(
    `WITH identified AS (SELECT case_id, status, level, changed_at FROM cases WHERE opened_at >= $1 AND opened_at < $2
       AND ($4::text IS NULL OR town_code = $4) AND ($5::text[] IS NULL OR kind = ANY($5::text[]))),
     latest AS (
       SELECT status, level FROM identified WHERE changed_at < $2
       UNION ALL
       SELECT l.status, l.level FROM identified i CROSS JOIN LATERAL (
         SELECT e.status, e.level FROM case_events e WHERE e.case_id = i.case_id AND e.changed_at >= $1 AND e.changed_at < $2
         ORDER BY e.changed_at DESC, e.ingested_at DESC LIMIT 1) l
       WHERE i.changed_at >= $2)
     SELECT (SELECT count(*)::int FROM identified) AS identified,
            count(*) FILTER (WHERE status = ANY($3::text[]))::int AS resolved,
            level, count(*) FILTER (WHERE status = ANY($3::text[]))::int AS n
     FROM latest GROUP BY ROLLUP (level)`,
    [range.from.toISOString(), range.to.toISOString(), RESOLVED_STATUSES, scope.townCode ?? range.townCode ?? null, scope.kinds ?? null],
  );
  const total = rows.find((r) => r.level === null);
  const identified = total?.identified ?? rows[0]?.identified ?? 0;
  const resolved = total?.resolved ?? 0;
  const resolvedAtLevel: Record<string, number> = {};
  for (const r of rows) if (r.level !== null && r.n > 0) resolvedAtLevel[r.level] = r.n;
  return { identified, resolved, rate: resolutionRate(identified, resolved), resolvedAtLevel };
}
