/**
 * Read model for replay: the wall as it stood at a past instant, and the deltas of a span,
 * both from the event tables (never from the current-state tables, which only know now).
 *
 *   stateAt(T)          what a live wall started at T would have loaded (queries/wall.ts as of
 *                       T, plus each unit's and case's last event ≤ T and the warnings as they
 *                       stood at T)
 *   deltasBetween(F, T) the stored events of (F, T] converted by the live path's item functions
 *                       (live/wall-deltas.ts), the warnings' steps, and the figures recomputed
 *                       at every keyframe instant, ordered and numbered by event time
 *
 * so that apply(stateAt(F), deltasBetween(F, T)) is stateAt(T) (test/integration/replay.test.ts).
 */
import { CLOSED_CASE_STATUS_LIST, OPEN_CASE_STATUS_LIST, type AlertType, type CallCategory, type CaseLevel, type CaseStatusCode, type Risk, type UnitStatusCode } from '@watchfloor/config/contracts';
import { displayId } from '@watchfloor/config/privacy';
import { RuleId, WarningColour } from '@watchfloor/config/rules';
import {
  KEYFRAME_EVERY_MS, REPLAY_EPOCH, replaySeq, replaySeqThrough,
  type WallCase, type WallDelta, type WallDeltaBody, type WallFigures, type WallState, type WallUnit, type WallWarning,
} from '@watchfloor/config/wall';
import { wallAlertItem, wallCallItem, wallCaseItem, wallDispatchItem, wallUnitItem } from '../../live/wall-deltas';
import type { Db, Queryable } from '../db';
import { epochMs } from './epoch-ms';
import { newestEventTime, wallCameras, wallCasesOf, wallFigures, wallIncidents, type WallCaseRow } from './wall';

const iso = (t: number) => new Date(t).toISOString();
const ms = (d: Date | string) => new Date(d).getTime();

/** Each unit's last event at or before `at` (a unit with none yet is not on the wall). */
export async function wallUnitsAt(db: Queryable, at: Date): Promise<Record<string, WallUnit>> {
  // One index probe per known unit (primary key unit_id, at) instead of a scan of all history.
  const { rows } = await db.query<{ unit_id: string; status: UnitStatusCode; lon: number | null; lat: number | null; at: Date; incident_id: string | null }>(
    `SELECT e.unit_id, e.status, e.lon, e.lat, e.at, e.incident_id FROM units u
     CROSS JOIN LATERAL (SELECT * FROM unit_events x WHERE x.unit_id = u.unit_id AND x.at <= $1 ORDER BY x.at DESC LIMIT 1) e`,
    [at.toISOString()],
  );
  const out: Record<string, WallUnit> = {};
  for (const r of rows) out[displayId('unit', r.unit_id)] = { status: r.status, lon: r.lon ?? 0, lat: r.lat ?? 0, t: ms(r.at), incidentId: r.incident_id === null ? null : displayId('call', r.incident_id) };
  return out;
}

/** The cases open at `at`: each case's last change at or before it, when that is not resolved or closed. */
export async function wallCasesAt(db: Queryable, at: Date): Promise<Record<string, WallCase>> {
  // From the current table: a case whose newest change is at or before `at` stood then as its
  // row says (open or not); only the cases changed since are looked up in their history, one
  // index probe each, instead of every case open now (a year's worth).
  const { rows } = await db.query<WallCaseRow>(
    `SELECT case_id, status, level, risk, grid_id, ${epochMs('changed_at')} AS t FROM cases
     WHERE opened_at <= $1 AND changed_at <= $1 AND status = ANY($3::text[])
     UNION ALL
     SELECT e.case_id, e.status, e.level, e.risk, e.grid_id, ${epochMs('e.changed_at')} FROM cases c
     CROSS JOIN LATERAL (SELECT * FROM case_events x WHERE x.case_id = c.case_id AND x.changed_at <= $1
                         ORDER BY x.changed_at DESC, x.ingested_at DESC LIMIT 1) e
     WHERE c.opened_at <= $1 AND c.changed_at > $1 AND NOT (e.status = ANY($2::text[]))`,
    [at.toISOString(), CLOSED_CASE_STATUS_LIST, OPEN_CASE_STATUS_LIST],
  );
  return wallCasesOf(rows);
}

interface WarningEpisode {
  id: string; rule: RuleId; colour: WarningColour; regionCode: string; reason: string;
  raisedAt: number; resolvedAt: number | null; acknowledgedAt: number | null;
  /** Engine and hand steps with their event times, oldest first. */
  steps: { at: number; kind: string; colour: WarningColour | null; reason: string | null }[];
}

/** Warnings whose episode overlaps [from, to], with their steps. */
async function warningEpisodes(db: Queryable, from: number, to: number): Promise<WarningEpisode[]> {
  const { rows } = await db.query<{ id: string; rule: string; colour: string; region_code: string; reason: string; raised_at: Date; resolved_at: Date | null; acknowledged_at: Date | null }>(
    `SELECT id, rule, colour, region_code, reason, raised_at, resolved_at, acknowledged_at FROM warnings
     WHERE raised_at <= $2 AND (resolved_at IS NULL OR resolved_at > $1)`,
    [iso(from), iso(to)],
  );
  if (rows.length === 0) return [];
  const { rows: hist } = await db.query<{ warning_id: string; event_at: Date; kind: string; colour: string | null; reason: string | null }>(
    `SELECT warning_id, event_at, kind, colour, reason FROM warning_history WHERE warning_id = ANY($1::text[]) AND event_at IS NOT NULL ORDER BY warning_id, event_at, id`,
    [rows.map((r) => r.id)],
  );
  const steps = new Map<string, WarningEpisode['steps']>();
  for (const h of hist) {
    const list = steps.get(h.warning_id) ?? [];
    list.push({ at: ms(h.event_at), kind: h.kind, colour: h.colour === null ? null : WarningColour.parse(h.colour), reason: h.reason });
    steps.set(h.warning_id, list);
  }
  return rows.map((r) => ({
    // Checked on the way out: the table's text columns hold codes that config/ defines.
    id: r.id, rule: RuleId.parse(r.rule), colour: WarningColour.parse(r.colour), regionCode: r.region_code, reason: r.reason,
    raisedAt: ms(r.raised_at), resolvedAt: r.resolved_at === null ? null : ms(r.resolved_at), acknowledgedAt: r.acknowledged_at === null ? null : ms(r.acknowledged_at),
    steps: steps.get(r.id) ?? [],
  }));
}

/** A warning as the wall showed it at `t`; null when it was not active then. */
function warningAt(w: WarningEpisode, t: number): WallWarning | null {
  if (w.raisedAt > t || (w.resolvedAt !== null && w.resolvedAt <= t)) return null;
  // Colour and reason of the last step by then; before any step (a rebuild keeps none), the
  // first step's, else the row's.
  const upTo = w.steps.filter((s) => s.at <= t && s.colour !== null);
  const last = upTo[upTo.length - 1] ?? w.steps.find((s) => s.colour !== null);
  const colour = last?.colour ?? w.colour;
  const reason = last?.reason ?? w.reason;
  let status: WallWarning['status'] = 'raised';
  if (w.acknowledgedAt !== null && w.acknowledgedAt <= t) {
    // Yellow turning red after the acknowledgement calls for a new look (store/warnings.ts).
    const atAck = w.steps.filter((s) => s.at <= w.acknowledgedAt! && s.colour !== null).pop()?.colour ?? colour;
    const turnedRed = atAck === 'yellow' && w.steps.some((s) => s.at > w.acknowledgedAt! && s.at <= t && s.colour === 'red');
    status = turnedRed ? 'raised' : 'acknowledged';
  }
  return { id: w.id, rule: w.rule, colour, regionCode: w.regionCode, reason, raisedAt: w.raisedAt, status };
}

export async function wallWarningsAt(db: Queryable, at: Date): Promise<Record<string, WallWarning>> {
  const out: Record<string, WallWarning> = {};
  for (const e of await warningEpisodes(db, at.getTime(), at.getTime())) {
    const w = warningAt(e, at.getTime());
    if (w) out[w.id] = w;
  }
  return out;
}

/** The wall as it stood at `at`, read in one snapshot of the database. */
export async function stateAt(db: Db, at: Date, tz: string, camerasTotal: number): Promise<WallState> {
  const [figures, incidents, cases, units, cameras, newest, warnings] = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return Promise.all([
      wallFigures(tx, at, tz, camerasTotal), wallIncidents(tx, at), wallCasesAt(tx, at), wallUnitsAt(tx, at), wallCameras(tx, at), newestEventTime(tx, at),
      wallWarningsAt(tx, at),
    ]);
  });
  const gridCalls: Record<string, number> = {};
  for (const c of incidents) if (c.gridId) gridCalls[c.gridId] = (gridCalls[c.gridId] ?? 0) + 1;
  return {
    epoch: REPLAY_EPOCH, seq: replaySeqThrough(at.getTime()), at: at.getTime(), newestEventAt: newest, figures, incidents, gridCalls, cases, units,
    offlineCameras: cameras.offline, alerts: cameras.alerts, warnings,
  };
}

export type FiguresAt = (at: Date) => Promise<WallFigures>;

/**
 * The deltas of (from, to], in the order the reducer must apply them. Rows of one kind at one
 * millisecond travel as one delta (one sequence number). `figuresAt` lets a caller memoise the
 * figures of each keyframe instant.
 */
export async function deltasBetween(db: Db, from: number, to: number, opts: { tz: string; camerasTotal: number; figuresAt?: FiguresAt }): Promise<WallDelta[]> {
  if (!(from < to)) return [];
  const bodies: { t: number; body: WallDeltaBody }[] = [];
  /** Rows of one kind at one millisecond become one delta: `make` wraps each run. */
  const group = <T extends { t: number }>(items: T[], make: (run: T[]) => WallDeltaBody) => {
    let i = 0;
    while (i < items.length) {
      let j = i + 1;
      while (j < items.length && Math.floor(items[j]!.t) === Math.floor(items[i]!.t)) j++;
      bodies.push({ t: items[i]!.t, body: make(items.slice(i, j)) });
      i = j;
    }
  };
  const range = [iso(from), iso(to)];
  const [calls, dispatches, units, alerts, cases, episodes] = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return Promise.all([
      tx.query<{ id: string; t: Date; category: CallCategory; priority: number; lon: number; lat: number; grid_id: string | null; town_code: string | null }>(
        `SELECT call_id AS id, received_at AS t, category, priority, lon, lat, grid_id, town_code FROM incidents
         WHERE received_at > $1 AND received_at <= $2 ORDER BY received_at, call_id`, range),
      tx.query<{ incident_id: string; unit_id: string; at: Date }>(
        'SELECT incident_id, unit_id, at FROM dispatches WHERE at > $1 AND at <= $2 ORDER BY at, id', range),
      tx.query<{ unit_id: string; at: Date; status: UnitStatusCode; lon: number | null; lat: number | null; incident_id: string | null }>(
        'SELECT unit_id, at, status, lon, lat, incident_id FROM unit_events WHERE at > $1 AND at <= $2 ORDER BY at, unit_id', range),
      tx.query<{ id: string; t: Date; type: AlertType; camera_id: string; grid_id: string | null; lon: number; lat: number }>(
        'SELECT id, occurred_at AS t, type, camera_id, grid_id, lon, lat FROM alerts WHERE occurred_at > $1 AND occurred_at <= $2 ORDER BY occurred_at, id', range),
      tx.query<{ case_id: string; changed_at: Date; status: CaseStatusCode; level: CaseLevel; risk: Risk; grid_id: string }>(
        'SELECT case_id, changed_at, status, level, risk, grid_id FROM case_events WHERE changed_at > $1 AND changed_at <= $2 ORDER BY changed_at, ingested_at', range),
      warningEpisodes(tx, from, to),
    ]);
  });
  group(calls.rows.map((r) => wallCallItem({ id: r.id, t: ms(r.t), category: r.category, priority: r.priority, lon: r.lon, lat: r.lat, gridId: r.grid_id, townCode: r.town_code })), (items) => ({ type: 'calls', items }));
  group(dispatches.rows.map((r) => wallDispatchItem({ incidentId: r.incident_id, unitId: r.unit_id, t: ms(r.at) })), (items) => ({ type: 'dispatches', items }));
  group(units.rows.map((r) => wallUnitItem({ unitId: r.unit_id, t: ms(r.at), status: r.status, lon: r.lon, lat: r.lat, incidentId: r.incident_id })), (items) => ({ type: 'units', items }));
  group(alerts.rows.map((r) => wallAlertItem({ id: r.id, t: ms(r.t), type: r.type, cameraId: r.camera_id, gridId: r.grid_id, lon: r.lon, lat: r.lat })), (items) => ({ type: 'alerts', items }));
  group(cases.rows.map((r) => wallCaseItem({ caseId: r.case_id, t: ms(r.changed_at), status: r.status, level: r.level, risk: r.risk, gridId: r.grid_id })), (items) => ({ type: 'cases', items }));

  // Each warning at every instant its wall view changed within the span: raised, a step, acknowledged, over.
  const warningItems = new Map<number, WallWarning[]>();
  for (const e of episodes) {
    const instants = new Set([e.raisedAt, e.acknowledgedAt ?? NaN, e.resolvedAt ?? NaN, ...e.steps.map((s) => s.at)]);
    let prev = warningAt(e, from);
    for (const t of [...instants].filter((x) => x > from && x <= to).sort((a, b) => a - b)) {
      const w = warningAt(e, t);
      if (w === null && prev === null) continue;
      const item: WallWarning = w ?? { ...prev!, status: 'resolved' };
      if (w !== null && prev !== null && w.colour === prev.colour && w.reason === prev.reason && w.status === prev.status) continue;
      const at = Math.floor(t);
      warningItems.set(at, [...(warningItems.get(at) ?? []), item]);
      prev = w;
    }
  }
  for (const [t, items] of warningItems) bodies.push({ t, body: { type: 'warnings', items } });

  const figuresAt = opts.figuresAt ?? ((at: Date) => wallFigures(db, at, opts.tz, opts.camerasTotal));
  for (let k = Math.floor(from / KEYFRAME_EVERY_MS) * KEYFRAME_EVERY_MS + KEYFRAME_EVERY_MS; k <= to; k += KEYFRAME_EVERY_MS) {
    bodies.push({ t: k, body: { type: 'figures', figures: await figuresAt(new Date(k)) } });
  }
  return bodies
    .map(({ t, body }) => ({ ...body, seq: replaySeq(t, body.type), at: Math.floor(t) }) as WallDelta)
    .sort((a, b) => a.seq - b.seq);
}
