/**
 * Response times, defined once (the console, the briefing and the API documentation read this):
 * of the incidents received in [from, to),
 *   to dispatch = dispatched_at − received_at  (the call taken → a unit sent),
 *   to arrive   = on_scene_at − received_at    (the call taken → a unit on scene),
 *   on scene    = handled_at − on_scene_at     (on scene → released),
 * in seconds. Percentiles are exact (percentile_cont over every raw interval of the period),
 * never averages of daily percentiles. An interval with a negative length (a field clock behind
 * the call center's) says nothing of the response and is left out, as are steps not yet reached.
 */
import type { Percentiles } from '@watchfloor/config/dispatch';
import type { Queryable } from '../db';

export interface ResponseTimeQuery {
  from: Date;
  to: Date;
  /** Only incidents in this town (null or absent: the whole county). */
  townCode?: string | null;
}

export interface ResponseTimeFigures { toDispatch: Percentiles; toArrive: Percentiles; onScene: Percentiles }

/** What a group of the grouped form is keyed by: the incident's town, or the kind of the unit sent. */
export type ResponseGroupBy = 'town' | 'unit_kind';

interface Raw {
  g: string | null;
  d_n: number; d_p50: number | null; d_p90: number | null;
  a_n: number; a_p50: number | null; a_p90: number | null;
  s_n: number; s_p50: number | null; s_p90: number | null;
}

const INTERVALS = `
  WITH i AS (
    SELECT {group} AS g,
           extract(epoch FROM dispatched_at - received_at)::float8 AS d,
           extract(epoch FROM on_scene_at - received_at)::float8 AS a,
           extract(epoch FROM handled_at - on_scene_at)::float8 AS s
    FROM incidents {join}
    WHERE received_at >= $1 AND received_at < $2 AND ($3::text IS NULL OR town_code = $3)
  )
  SELECT g,
    count(d) FILTER (WHERE d >= 0)::int AS d_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE d >= 0) AS d_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY d) FILTER (WHERE d >= 0) AS d_p90,
    count(a) FILTER (WHERE a >= 0)::int AS a_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FILTER (WHERE a >= 0) AS a_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY a) FILTER (WHERE a >= 0) AS a_p90,
    count(s) FILTER (WHERE s >= 0)::int AS s_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FILTER (WHERE s >= 0) AS s_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY s) FILTER (WHERE s >= 0) AS s_p90
  FROM i GROUP BY g`;

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function figures(r: Raw | undefined): ResponseTimeFigures {
  return {
    toDispatch: { n: r?.d_n ?? 0, p50S: num(r?.d_p50 ?? null), p90S: num(r?.d_p90 ?? null) },
    toArrive: { n: r?.a_n ?? 0, p50S: num(r?.a_p50 ?? null), p90S: num(r?.a_p90 ?? null) },
    onScene: { n: r?.s_n ?? 0, p50S: num(r?.s_p50 ?? null), p90S: num(r?.s_p90 ?? null) },
  };
}

const params = (q: ResponseTimeQuery) => [q.from.toISOString(), q.to.toISOString(), q.townCode ?? null];

/** The period's figures over every incident received in it. */
export async function responseTimes(db: Queryable, q: ResponseTimeQuery): Promise<ResponseTimeFigures> {
  const { rows } = await db.query<Raw>(INTERVALS.replace('{group}', 'NULL::text').replace('{join}', ''), params(q));
  return figures(rows[0]);
}

/**
 * The same figures per town or per kind of unit sent. Unit kinds live in the region's
 * description, not the store: `unitKinds` maps unit id → kind. Incidents without a town (or
 * never sent a unit, for unit kinds) are grouped under the empty key.
 */
export async function responseTimesBy(
  db: Queryable, q: ResponseTimeQuery, by: ResponseGroupBy, unitKinds: ReadonlyMap<string, string> = new Map(),
): Promise<Record<string, ResponseTimeFigures>> {
  const sql = by === 'town'
    ? INTERVALS.replace('{group}', 'town_code').replace('{join}', '')
    : INTERVALS.replace('{group}', 'k.kind').replace('{join}', 'LEFT JOIN unnest($4::text[], $5::text[]) AS k(unit_id, kind) USING (unit_id)');
  const args = by === 'town' ? params(q) : [...params(q), [...unitKinds.keys()], [...unitKinds.values()]];
  const { rows } = await db.query<Raw>(sql, args);
  const out: Record<string, ResponseTimeFigures> = {};
  for (const r of rows) out[r.g ?? ''] = figures(r);
  return out;
}
