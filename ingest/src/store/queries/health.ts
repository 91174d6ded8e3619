/** Read model for /api/health: the newest event time the store holds for each topic. */
import type { Topic } from '@watchfloor/config/contracts';
import type { Queryable } from '../db';

export async function lastEventTimes(db: Queryable): Promise<Record<Topic, string | null>> {
  // max() over each stream's time index: TimescaleDB answers from the newest chunk only.
  const { rows } = await db.query<{ calls: Date | null; alerts: Date | null; cases: Date | null; units: Date | null; dispatches: Date | null }>(
    `SELECT (SELECT max(received_at) FROM calls) AS calls, (SELECT max(occurred_at) FROM alerts) AS alerts,
            (SELECT max(changed_at) FROM case_events) AS cases, (SELECT max(at) FROM unit_events) AS units,
            (SELECT max(at) FROM dispatches) AS dispatches`,
  );
  const r = rows[0]!;
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    'police.calls': iso(r.calls), 'camera.alerts': iso(r.alerts), 'case.status': iso(r.cases),
    'unit.status': iso(r.units), 'dispatch.commands': iso(r.dispatches),
  };
}

export async function deadLetterCount(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters WHERE at >= $1', [since.toISOString()]);
  return rows[0]?.n ?? 0;
}
