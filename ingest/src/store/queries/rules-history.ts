/**
 * Read model for restarting the rules engine: the stored events it needs, as the records
 * the pipeline hands on, in event-time order. Since the engine's state is bounded by time
 * (baselines over 4 weeks, open cases' clocks), replaying that span rebuilds it exactly;
 * unit position pings without an incident are skipped (no rule reads them).
 *
 * Read in pages by event time (half-open windows, so instants never straddle two pages), so
 * that a rebuild over weeks of a busy county never holds the store, or the event loop, for
 * long: the first page also carries the older events of cases still open, whose clocks run.
 */
import { CLOSED_CASE_STATUS_LIST } from '@watchfloor/config/contracts';
import type { AlertRecord, CallRecord, CaseRecord, DispatchRecord, StoredRecord, UnitRecord } from '../../records';
import type { Queryable } from '../db';

export interface TimedRecord { t: number; rec: StoredRecord }

const iso = (d: Date) => new Date(d).toISOString();

/** Events with time in [from, to) (to null: no end); with the open cases' older events when asked. */
async function page(db: Queryable, from: Date, to: Date | null, withOpenCases: boolean): Promise<TimedRecord[]> {
  const p = [from.toISOString(), to?.toISOString() ?? null];
  const out: TimedRecord[] = [];
  const calls = await db.query<{ id: string; received_at: Date; category: CallRecord['event']['category']; priority: number; lon: number; lat: number; grid_id: string | null; village_code: string | null; town_code: string | null; caller_hash: string | null }>(
    'SELECT id, received_at, category, priority, lon, lat, grid_id, village_code, town_code, caller_hash FROM calls WHERE received_at >= $1 AND ($2::timestamptz IS NULL OR received_at < $2)', p);
  for (const r of calls.rows) {
    out.push({ t: new Date(r.received_at).getTime(), rec: {
      topic: 'police.calls',
      event: { id: r.id, receivedAt: iso(r.received_at), category: r.category, priority: r.priority, summary: '', location: { lon: r.lon, lat: r.lat }, ...(r.grid_id ? { gridId: r.grid_id } : {}) },
      place: { gridId: r.grid_id, villageCode: r.village_code, townCode: r.town_code }, callerHash: r.caller_hash, callerMasked: null,
    } satisfies CallRecord });
  }
  const alerts = await db.query<{ id: string; camera_id: string; occurred_at: Date; type: AlertRecord['event']['type']; confidence: number; lon: number; lat: number; grid_id: string | null; village_code: string | null; town_code: string | null }>(
    'SELECT id, camera_id, occurred_at, type, confidence, lon, lat, grid_id, village_code, town_code FROM alerts WHERE occurred_at >= $1 AND ($2::timestamptz IS NULL OR occurred_at < $2)', p);
  for (const r of alerts.rows) {
    out.push({ t: new Date(r.occurred_at).getTime(), rec: {
      topic: 'camera.alerts', event: { id: r.id, cameraId: r.camera_id, occurredAt: iso(r.occurred_at), type: r.type, confidence: r.confidence },
      place: { gridId: r.grid_id, villageCode: r.village_code, townCode: r.town_code }, lon: r.lon, lat: r.lat,
    } satisfies AlertRecord });
  }
  // Open cases are replayed from their start, however old: their clocks are still running.
  const cases = await db.query<{ case_id: string; changed_at: Date; kind: CaseRecord['event']['kind']; category: CaseRecord['event']['category']; status: CaseRecord['event']['status']; level: CaseRecord['event']['level']; risk: CaseRecord['event']['risk']; grid_id: string; village_code: string | null; town_code: string | null; related_call_id: string | null }>(
    `SELECT e.case_id, e.changed_at, e.kind, e.category, e.status, e.level, e.risk, e.grid_id, e.village_code, e.town_code, e.related_call_id
     FROM case_events e WHERE (e.changed_at >= $1 AND ($2::timestamptz IS NULL OR e.changed_at < $2))
        OR ($3 AND e.changed_at < $1 AND e.case_id IN (SELECT case_id FROM cases WHERE NOT (status = ANY($4::text[]))))`, [...p, withOpenCases, CLOSED_CASE_STATUS_LIST]);
  for (const r of cases.rows) {
    out.push({ t: new Date(r.changed_at).getTime(), rec: {
      topic: 'case.status',
      event: { caseId: r.case_id, changedAt: iso(r.changed_at), kind: r.kind, category: r.category, status: r.status, level: r.level, risk: r.risk, gridId: r.grid_id, ...(r.related_call_id ? { relatedCallId: r.related_call_id } : {}) },
      place: { gridId: r.grid_id, villageCode: r.village_code, townCode: r.town_code },
    } satisfies CaseRecord });
  }
  const dispatches = await db.query<{ id: string; incident_id: string; unit_id: string; by_user: string; at: Date }>(
    'SELECT id, incident_id, unit_id, by_user, at FROM dispatches WHERE at >= $1 AND ($2::timestamptz IS NULL OR at < $2)', p);
  for (const r of dispatches.rows) {
    out.push({ t: new Date(r.at).getTime(), rec: { topic: 'dispatch.commands', event: { id: r.id, incidentId: r.incident_id, unitId: r.unit_id, by: r.by_user, at: iso(r.at) } } satisfies DispatchRecord });
  }
  const units = await db.query<{ unit_id: string; at: Date; status: UnitRecord['event']['status']; incident_id: string }>(
    'SELECT unit_id, at, status, incident_id FROM unit_events WHERE at >= $1 AND ($2::timestamptz IS NULL OR at < $2) AND incident_id IS NOT NULL', p);
  for (const r of units.rows) {
    out.push({ t: new Date(r.at).getTime(), rec: { topic: 'unit.status', event: { unitId: r.unit_id, at: iso(r.at), status: r.status, incidentId: r.incident_id } } satisfies UnitRecord });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** How many events a rebuild from `since` will read (for its progress report). */
export async function rulesHistoryCount(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM calls WHERE received_at >= $1) + (SELECT count(*) FROM alerts WHERE occurred_at >= $1)
           + (SELECT count(*) FROM case_events WHERE changed_at >= $1) + (SELECT count(*) FROM dispatches WHERE at >= $1)
           + (SELECT count(*) FROM unit_events WHERE at >= $1 AND incident_id IS NOT NULL))::int AS n`,
    [since.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

export interface HistoryPagesOptions {
  /** Events wanted per page: the time window adapts to the density met so far. */
  pageSize?: number;
  /** The first window, ms. */
  firstWindowMs?: number;
}

/**
 * The events from `since` on, page by page in event-time order, up to `until` and then
 * everything later in one last page (events stamped ahead of the clock included).
 */
export async function* rulesHistoryPages(db: Queryable, since: Date, until: Date, opts: HistoryPagesOptions = {}): AsyncGenerator<TimedRecord[]> {
  const want = opts.pageSize ?? 2_000;
  let window = opts.firstWindowMs ?? 3_600_000;
  let from = since.getTime();
  let first = true;
  for (;;) {
    const last = from >= until.getTime();
    const to = last ? null : Math.min(from + window, until.getTime());
    const recs = await page(db, new Date(from), to === null ? null : new Date(to), first);
    first = false;
    if (recs.length) yield recs;
    if (to === null) return;
    // Aim the next window at about `want` events, within a factor of 4 per step.
    const n = Math.max(recs.length, 1);
    window = Math.max(60_000, Math.min(window * 4, Math.round((window * want) / n), 7 * 86_400_000));
    from = to;
  }
}
