/**
 * Read model for the wall's snapshot: the state a new screen starts from, as of an instant.
 * Live reads it as of now; replay (queries/replay.ts) as of any past moment, so every window
 * ("today", the last 24 h, the last 7 days) is bounded above by that instant too.
 */
import { CAMERA_OFFLINE_ALERT, OPEN_CASE_STATUS_LIST, incidentStateAt, type CallCategory } from '@watchfloor/config/contracts';
import { displayId } from '@watchfloor/config/privacy';
import { WALL_RESOLUTION_WINDOW_DAYS } from '@watchfloor/config/resolution';
import { startOfDay, zonedParts } from '@watchfloor/config/time';
import {
  ALERT_WINDOW_MS, INCIDENT_WINDOW_MS, MAX_ALERTS, MAX_INCIDENTS,
  type WallAlert, type WallCall, type WallCase, type WallFigures, type WallUnit,
} from '@watchfloor/config/wall';
import type { Queryable } from '../db';
import { dayCounts } from './day-counts';
import { epochMs } from './epoch-ms';
import { resolution } from './resolution';

const DAY = 86_400_000;

/** Figures from the database as of `now` (events up to and including it): today so far, the same span last week, rates. */
export async function wallFigures(db: Queryable, now: Date, tz: string, camerasTotal: number): Promise<WallFigures> {
  const dayStart = startOfDay(now, tz).getTime();
  const lastWeekStart = startOfDay(new Date(now.getTime() - 7 * DAY), tz).getTime();
  const sinceDayStart = now.getTime() - dayStart;
  const iso = (t: number) => new Date(t).toISOString();
  // Local hours by 15-minute bins from local midnight rather than a time-zone conversion of
  // every row (half the cost): every zone's offset, and every DST shift, is a multiple of
  // 15 minutes, so a bin never straddles a local hour and each maps to exactly one.
  // Today and the same day last week as two plain ranges, not one OR of them: the embedded
  // store's hypertable excludes chunks by a range at once, while an OR was proved against each
  // of a year's daily chunks (over a second of planning). The two never overlap.
  const { rows } = await db.query<{ wk: number; b: Date; category: CallCategory; n: number; early: number }>(
    `SELECT wk, date_bin('15 minutes', received_at, $1::timestamptz) AS b, category,
            count(*)::int AS n, count(*) FILTER (WHERE received_at < $5)::int AS early
     FROM (SELECT 0 AS wk, received_at, category FROM calls WHERE received_at >= $1 AND received_at < $2 AND received_at <= $6
           UNION ALL
           SELECT 1, received_at, category FROM calls WHERE received_at >= $3 AND received_at < $4) c
     GROUP BY 1, 2, 3`,
    [iso(dayStart), iso(dayStart + DAY), iso(lastWeekStart), iso(lastWeekStart + DAY), iso(lastWeekStart + sinceDayStart), iso(now.getTime())],
  );
  const f: WallFigures = {
    dayStart, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0), callsByHourLastWeek: Array(24).fill(0),
    byCategoryToday: {}, resolutionRate30d: null, camerasTotal, gridCalls7d: {}, gridAlerts24h: {},
  };
  const hourOf = new Map<number, number>();
  for (const r of rows) {
    const b = new Date(r.b).getTime();
    let h = hourOf.get(b);
    if (h === undefined) hourOf.set(b, (h = zonedParts(new Date(b), tz).hour));
    if (r.wk === 0) {
      f.callsToday += r.n;
      f.callsByHourToday[h] = (f.callsByHourToday[h] ?? 0) + r.n;
      f.byCategoryToday[r.category] = (f.byCategoryToday[r.category] ?? 0) + r.n;
    } else {
      f.callsByHourLastWeek[h] = (f.callsByHourLastWeek[h] ?? 0) + r.n;
      f.callsSameTimeLastWeek += r.early;
    }
  }
  // Seven days: six whole local days from the day rollups, the two partial ones from the stream.
  const calls7d = await dayCounts(db, ['callsByGrid'], [{ from: new Date(now.getTime() - 7 * DAY), to: now }], { endInclusive: true });
  const { rows: alerts24h } = await db.query<{ grid_id: string; n: number }>(
    `SELECT grid_id, count(*)::int AS n FROM alerts WHERE occurred_at >= $1 AND occurred_at <= $3 AND grid_id IS NOT NULL AND type <> $2 GROUP BY grid_id`,
    [iso(now.getTime() - DAY), CAMERA_OFFLINE_ALERT, iso(now.getTime())],
  );
  for (const c of calls7d) if (c.key !== null) f.gridCalls7d[c.key] = (f.gridCalls7d[c.key] ?? 0) + c.n;
  for (const g of alerts24h) f.gridAlerts24h[g.grid_id] = g.n;
  f.resolutionRate30d = (await resolution(db, { from: new Date(now.getTime() - WALL_RESOLUTION_WINDOW_DAYS * DAY), to: now })).rate;
  return f;
}

/**
 * The last 24 h of incidents up to `now`, each in its state at `now` (rule:
 * config/src/contracts/incident-states.ts): a step stored with a later time had not happened yet.
 */
export async function wallIncidents(db: Queryable, now: Date): Promise<WallCall[]> {
  const { rows } = await db.query<{
    id: string; t: number; category: WallCall['category']; priority: number; lon: number; lat: number; grid_id: string | null; town_code: string | null;
    dispatched_at: number | null; en_route_at: number | null; on_scene_at: number | null; handled_at: number | null; closed_at: number | null;
  }>(
    `SELECT call_id AS id, ${epochMs('received_at')} AS t, category, priority, lon, lat, grid_id, town_code, ${epochMs('dispatched_at')} AS dispatched_at,
            ${epochMs('en_route_at')} AS en_route_at, ${epochMs('on_scene_at')} AS on_scene_at, ${epochMs('handled_at')} AS handled_at, ${epochMs('closed_at')} AS closed_at
     FROM incidents WHERE received_at >= $1 AND received_at <= $3 ORDER BY received_at DESC LIMIT $2`,
    [new Date(now.getTime() - INCIDENT_WINDOW_MS).toISOString(), MAX_INCIDENTS, now.toISOString()],
  );
  const ms = (t: number | null) => (t === null || t > now.getTime() ? null : t);
  return rows.map((r) => {
    // Closing is a rule of time, not an event: known once handled, whenever it falls.
    const closesAt = ms(r.handled_at) === null || r.closed_at === null ? null : r.closed_at;
    const state = incidentStateAt({ dispatchedAt: ms(r.dispatched_at), enRouteAt: ms(r.en_route_at), onSceneAt: ms(r.on_scene_at), handledAt: ms(r.handled_at), closedAt: closesAt }, now.getTime());
    return {
      id: displayId('call', r.id), t: r.t, category: r.category, priority: r.priority, lon: r.lon, lat: r.lat, gridId: r.grid_id, townCode: r.town_code, state,
      ...(closesAt !== null ? { closesAt } : {}),
    };
  });
}

/** A case as the wall reads it from the store (its time as epoch ms, see epochMs). */
export interface WallCaseRow { case_id: string; status: WallCase['status']; level: WallCase['level']; risk: WallCase['risk']; grid_id: string; t: number }

/** Rows to the wall's cases, keyed by the display form, as the deltas are: the wall never holds a free-text id. */
export function wallCasesOf(rows: readonly WallCaseRow[]): Record<string, WallCase> {
  const out: Record<string, WallCase> = {};
  for (const r of rows) out[displayId('case', r.case_id)] = { status: r.status, level: r.level, risk: r.risk, gridId: r.grid_id, t: r.t };
  return out;
}

export async function wallOpenCases(db: Queryable): Promise<Record<string, WallCase>> {
  const { rows } = await db.query<WallCaseRow>(
    `SELECT case_id, status, level, risk, grid_id, ${epochMs('changed_at')} AS t FROM cases WHERE status = ANY($1::text[])`,
    [OPEN_CASE_STATUS_LIST],
  );
  return wallCasesOf(rows);
}

export async function wallUnits(db: Queryable): Promise<Record<string, WallUnit>> {
  const { rows } = await db.query<{ unit_id: string; status: WallUnit['status']; lon: number | null; lat: number | null; at: Date; incident_id: string | null }>(
    'SELECT unit_id, status, lon, lat, at, incident_id FROM units',
  );
  const out: Record<string, WallUnit> = {};
  for (const r of rows) out[displayId('unit', r.unit_id)] = { status: r.status, lon: r.lon ?? 0, lat: r.lat ?? 0, t: new Date(r.at).getTime(), incidentId: r.incident_id === null ? null : displayId('call', r.incident_id) };
  return out;
}

/**
 * The cameras offline at `at`: those whose newest alert of the 24 h before it says offline
 * (camera id → the offline notice's time). The wall's online rate and the briefing's read this.
 */
export async function offlineCameras(db: Queryable, at: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ camera_id: string; occurred_at: Date }>(
    `SELECT camera_id, occurred_at FROM (
       SELECT DISTINCT ON (camera_id) camera_id, type, occurred_at FROM alerts WHERE occurred_at >= $1 AND occurred_at <= $3
       ORDER BY camera_id, occurred_at DESC) x WHERE type = $2`,
    [new Date(at.getTime() - DAY).toISOString(), CAMERA_OFFLINE_ALERT, at.toISOString()],
  );
  return new Map(rows.map((r) => [r.camera_id, new Date(r.occurred_at).getTime()]));
}

/** Cameras whose newest alert of the last 24 h says offline; and the last hour's alerts. */
export async function wallCameras(db: Queryable, now: Date): Promise<{ offline: Record<string, number>; alerts: WallAlert[] }> {
  const offline: Record<string, number> = {};
  for (const [id, t] of await offlineCameras(db, now)) offline[displayId('camera', id)] = t;
  const { rows: ar } = await db.query<{ id: string; t: number; type: WallAlert['type']; camera_id: string; grid_id: string | null; lon: number; lat: number }>(
    `SELECT id, ${epochMs('occurred_at')} AS t, type, camera_id, grid_id, lon, lat FROM alerts
     WHERE occurred_at >= $1 AND occurred_at <= $4 AND type <> $3 ORDER BY occurred_at DESC LIMIT $2`,
    [new Date(now.getTime() - ALERT_WINDOW_MS).toISOString(), MAX_ALERTS, CAMERA_OFFLINE_ALERT, now.toISOString()],
  );
  return { offline, alerts: ar.map((a) => ({ id: displayId('alert', a.id), t: a.t, type: a.type, cameraId: displayId('camera', a.camera_id), gridId: a.grid_id, lon: a.lon, lat: a.lat })) };
}

/**
 * How far back newestEventTime looks, one look after another: a live store has events within
 * the first, a store idle for a while (a demo, a weekend's pause) within the second; only one
 * with nothing in a year reads the whole history.
 */
const NEWEST_LOOKS_MS = [DAY, 31 * DAY, 366 * DAY] as const;

/** The newest event time at or before `at` (default: the database's now): see the reducer's data age. */
export async function newestEventTime(db: Queryable, at: Date | null = null): Promise<number | null> {
  // The bound written in each subquery, not joined in from a CTE: against a constant the planner
  // reads each max as one probe of the time index; joined, it scanned and aggregated every row
  // (half a second over a year of events, most of the wall snapshot's time). now() is no constant
  // when planning, so a hypertable's every chunk was planned; a constant lower bound ($2, a day
  // before, then a month, then a year) leaves the recent chunks only. Whatever a look finds is the
  // newest (nothing newer lies below its bound); finding nothing, the next, wider look follows.
  const read = (since: boolean, backMs: number) => db.query<{ t: Date | null }>(
    `SELECT greatest(
       (SELECT max(received_at) FROM calls WHERE received_at <= coalesce($1::timestamptz, now())${since ? ' AND received_at > $2' : ''}),
       (SELECT max(occurred_at) FROM alerts WHERE occurred_at <= coalesce($1::timestamptz, now())${since ? ' AND occurred_at > $2' : ''}),
       (SELECT max(changed_at) FROM case_events WHERE changed_at <= coalesce($1::timestamptz, now())${since ? ' AND changed_at > $2' : ''}),
       (SELECT max(at) FROM unit_events WHERE at <= coalesce($1::timestamptz, now())${since ? ' AND at > $2' : ''})) AS t`,
    since ? [at?.toISOString() ?? null, new Date((at?.getTime() ?? Date.now()) - backMs).toISOString()] : [at?.toISOString() ?? null],
  );
  for (const back of NEWEST_LOOKS_MS) {
    const t = (await read(true, back)).rows[0]?.t;
    if (t) return new Date(t).getTime();
  }
  const t = (await read(false, 0)).rows[0]?.t;
  return t ? new Date(t).getTime() : null;
}
