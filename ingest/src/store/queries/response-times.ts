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

interface Raw {
  g: string | null;
  d_n: number; d_p50: number | null; d_p90: number | null;
  a_n: number; a_p50: number | null; a_p90: number | null;
  s_n: number; s_p50: number | null; s_p90: number | null;
}

/** The intervals of the range's incidents ($1–$3), with `{columns}` beside them from `incidents {join}`. */
const INTERVALS = `
  WITH i AS (
    SELECT {columns},
           extract(epoch FROM dispatched_at - received_at)::float8 AS d,
           extract(epoch FROM on_scene_at - received_at)::float8 AS a,
           extract(epoch FROM handled_at - on_scene_at)::float8 AS s
    FROM incidents {join}
    WHERE received_at >= $1 AND received_at < $2 AND ($3::text IS NULL OR town_code = $3)
  )
  SELECT {select},
    count(d) FILTER (WHERE d >= 0)::int AS d_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FILTER (WHERE d >= 0) AS d_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY d) FILTER (WHERE d >= 0) AS d_p90,
    count(a) FILTER (WHERE a >= 0)::int AS a_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FILTER (WHERE a >= 0) AS a_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY a) FILTER (WHERE a >= 0) AS a_p90,
    count(s) FILTER (WHERE s >= 0)::int AS s_n,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FILTER (WHERE s >= 0) AS s_p50,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY s) FILTER (WHERE s >= 0) AS s_p90
  FROM i {group}`;

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function figures(r: Raw | undefined): ResponseTimeFigures {
  return {
    toDispatch: { n: r?.d_n ?? 0, p50S: num(r?.d_p50 ?? null), p90S: num(r?.d_p90 ?? null) },
    toArrive: { n: r?.a_n ?? 0, p50S: num(r?.a_p50 ?? null), p90S: num(r?.a_p90 ?? null) },
    onScene: { n: r?.s_n ?? 0, p50S: num(r?.s_p50 ?? null), p90S: num(r?.s_p90 ?? null) },
  };
}

const params = (q: ResponseTimeQuery) => [q.from.toISOString(), q.to.toISOString(), q.townCode ?? null];
const sql = (parts: { columns: string; join: string; select: string; group: string }) =>
  INTERVALS.replace('{columns}', parts.columns).replace('{join}', parts.join).replace('{select}', parts.select).replace('{group}', parts.group);

/** The period's figures over every incident received in it. */
export async function responseTimes(db: Queryable, q: ResponseTimeQuery): Promise<ResponseTimeFigures> {
  const { rows } = await db.query<Raw>(sql({ columns: 'NULL::text AS g', join: '', select: 'NULL::text AS g', group: '' }), params(q));
  return figures(rows[0]);
}

export interface ResponseTimeBreakdown {
  all: ResponseTimeFigures;
  /** By the incident's town; incidents without one under the empty key. */
  byTown: Record<string, ResponseTimeFigures>;
  /** By the kind of the unit sent; incidents never sent a unit (or sent one of no known kind) under the empty key. */
  byUnitKind: Record<string, ResponseTimeFigures>;
}

/**
 * The figures over the whole period, per town and per kind of unit sent, in one read of the
 * period's incidents (grouping sets: each percentile still over every raw interval of its group).
 * Unit kinds live in the region's description, not the store: `unitKinds` maps unit id → kind.
 */
export async function responseTimeBreakdown(db: Queryable, q: ResponseTimeQuery, unitKinds: ReadonlyMap<string, string>): Promise<ResponseTimeBreakdown> {
  // GROUPING() sets a bit per column not grouped on: 3 = everything, 1 = by town, 2 = by unit kind.
  const { rows } = await db.query<Raw & { gs: number; town: string | null; kind: string | null }>(sql({
    columns: 'town_code AS town, k.kind',
    join: 'LEFT JOIN unnest($4::text[], $5::text[]) AS k(unit_id, kind) USING (unit_id)',
    select: 'GROUPING(town, kind) AS gs, town, kind',
    group: 'GROUP BY GROUPING SETS ((), (town), (kind))',
  }), [...params(q), [...unitKinds.keys()], [...unitKinds.values()]]);
  const out: ResponseTimeBreakdown = { all: figures(undefined), byTown: {}, byUnitKind: {} };
  for (const r of rows) {
    if (r.gs === 3) out.all = figures(r);
    else if (r.gs === 1) out.byTown[r.town ?? ''] = figures(r);
    else out.byUnitKind[r.kind ?? ''] = figures(r);
  }
  return out;
}
