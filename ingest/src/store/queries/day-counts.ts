/**
 * Counts of calls and alerts over any time spans, read from the day rollups (migration 013)
 * for the center's whole local days inside a span and from the streams for the partial days
 * at its edges. The rollups move in the same statement as the events (store/write-events.ts),
 * so the sum is exactly the count of the stored events, late ones included: the same figure a
 * count over the streams gives, at the cost of a week's or a quarter's rollup rows instead of
 * every event in it.
 *
 * The day boundaries come from the store's own local_day/local_day_start (the zone fixed by the
 * migration), folded to constants when the statement is planned, so the edges' stream reads
 * are plain time-range scans (TimescaleDB excludes every chunk outside them at planning).
 */
import type { Queryable } from '../db';

/** What is counted: the rollup table, its key column, and the same key over the stream. */
const SOURCES = {
  callsByCategory: { rollup: 'calls_by_day', key: 'category', stream: 'calls', time: 'received_at', streamKey: 'category' },
  callsByGrid: { rollup: 'calls_by_day_grid', key: 'grid_id', stream: 'calls', time: 'received_at', streamKey: "coalesce(grid_id, '')" },
  alertsByType: { rollup: 'alerts_by_day', key: 'type', stream: 'alerts', time: 'occurred_at', streamKey: 'type' },
} as const;

export type DaySource = keyof typeof SOURCES;

/** A half-open span [from, to), or closed [from, to] with `endInclusive`. */
export interface DaySpan { from: Date; to: Date }

export interface DayCountOptions {
  /** One town (absent or null: the county). */
  townCode?: string | null;
  /** Only these values of each source's key (category, grid, type); absent or null: all. */
  keys?: readonly string[] | null;
  /** Count events at exactly each span's `to` too (the wall's windows end at "now", inclusive). */
  endInclusive?: boolean;
}

/** One count: `town` null for events outside every town, `key` null for calls outside every grid. */
export interface DayCount { source: DaySource; span: number; town: string | null; key: string | null; n: number }

// For a span [$a, $b): the first local day starting at or after $a, its start, and the start of $b's day.
const firstDay = (a: string) => `(local_day(${a}) + (local_day_start(local_day(${a})) < ${a})::int)`;
const firstMidnight = (a: string) => `local_day_start(${firstDay(a)})`;
const lastMidnight = (b: string) => `local_day_start(local_day(${b}))`;

export async function dayCounts(db: Queryable, sources: readonly DaySource[], spans: readonly DaySpan[], opts: DayCountOptions = {}): Promise<DayCount[]> {
  if (sources.length === 0 || spans.length === 0) return [];
  const params: unknown[] = [opts.townCode ?? null, opts.keys ? [...opts.keys] : null];
  const filters = (town: string, key: string) => `($1::text IS NULL OR ${town} = $1) AND ($2::text[] IS NULL OR ${key} = ANY($2::text[]))`;
  const branches: string[] = [];
  spans.forEach((span, k) => {
    params.push(span.from.toISOString(), span.to.toISOString());
    const a = `$${params.length - 1}::timestamptz`;
    const b = `$${params.length}::timestamptz`;
    const endOp = opts.endInclusive ? '<=' : '<';
    for (const name of sources) {
      const s = SOURCES[name];
      // Whole days [first day, $b's day). The stream's two edges: from $a to the first midnight
      // (empty when $a is one, or when the span lies within one day: then the second covers it),
      // and from $b's midnight (or $a, if later) to $b. The redundant $a/$b bounds keep the scans
      // inside the span even where a planner would not fold the day expressions.
      branches.push(
        `SELECT '${name}' AS source, ${k} AS span, town_code AS town, ${s.key} AS key, sum(n)::int AS n FROM ${s.rollup}
         WHERE day >= ${firstDay(a)} AND day < local_day(${b}) AND ${filters('town_code', s.key)} GROUP BY town_code, ${s.key}`,
        `SELECT '${name}', ${k}, coalesce(town_code, ''), ${s.streamKey}, count(*)::int FROM ${s.stream}
         WHERE ${s.time} >= ${a} AND ${s.time} < ${b} AND ${s.time} < least(${firstMidnight(a)}, ${lastMidnight(b)})
           AND ${filters('town_code', s.streamKey)} GROUP BY 3, 4`,
        `SELECT '${name}', ${k}, coalesce(town_code, ''), ${s.streamKey}, count(*)::int FROM ${s.stream}
         WHERE ${s.time} >= ${a} AND ${s.time} >= ${lastMidnight(b)} AND ${s.time} ${endOp} ${b}
           AND ${filters('town_code', s.streamKey)} GROUP BY 3, 4`,
      );
    }
  });
  const { rows } = await db.query<{ source: DaySource; span: number; town: string; key: string; n: number }>(branches.join('\nUNION ALL\n'), params);
  const out = new Map<string, DayCount>();
  for (const r of rows) {
    if (r.n === 0) continue;
    const id = `${r.source}\u0000${r.span}\u0000${r.town}\u0000${r.key}`;
    const c = out.get(id);
    if (c) c.n += r.n;
    else out.set(id, { source: r.source, span: Number(r.span), town: r.town === '' ? null : r.town, key: r.key === '' ? null : r.key, n: r.n });
  }
  return [...out.values()];
}
