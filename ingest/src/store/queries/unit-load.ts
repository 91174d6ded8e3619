/**
 * A unit's load: how many incidents it was sent to since a time (the console's "today", from
 * the local midnight). Counted over the stored dispatch commands, distinct incidents, so a
 * command replayed from the topic (same id, stored once) or repeated for the same incident
 * counts once.
 */
import type { Queryable } from '../db';

export async function unitLoadsSince(db: Queryable, since: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ unit_id: string; n: number | string }>(
    'SELECT unit_id, count(DISTINCT incident_id) AS n FROM dispatches WHERE at >= $1 GROUP BY unit_id',
    [since.toISOString()],
  );
  return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
}
