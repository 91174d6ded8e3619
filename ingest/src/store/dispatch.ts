/**
 * The dispatch side of the store: incidents as the console lists them, the units that could
 * go, and the one assignment transaction. Assignments lock the incident row, then the unit row
 * (always in that order, so two of them never deadlock), check the version, the states and the
 * transition, and bump both versions: of two concurrent assignments of one incident or one
 * unit, the second finds the row changed and is refused, whatever the store (PGlite runs one
 * transaction at a time; PostgreSQL waits on the row lock and re-reads).
 */
import { incidentStateAt, type CallCategory, type IncidentState, type UnitStatusCode } from '@watchfloor/config/contracts';
import {
  ASSIGNABLE_STATES as ASSIGNABLE, ASSIGNED_UNIT_STATUS, FREE_UNIT_STATUS, REASSIGNABLE_STATES as REASSIGNABLE, type AssignConflict,
} from '@watchfloor/config/dispatch';
import type { Queryable } from './db';

export interface IncidentRow {
  id: string;
  status: IncidentState;
  priority: number;
  category: CallCategory;
  gridId: string | null;
  lon: number;
  lat: number;
  assignedUnitId: string | null;
  assignedBy: string | null;
  version: number;
  receivedAt: string;
  dispatchedAt: string | null;
  enRouteAt: string | null;
  onSceneAt: string | null;
  handledAt: string | null;
  closedAt: string | null;
}

interface RawIncident {
  call_id: string; priority: number; category: CallCategory; grid_id: string | null; lon: number; lat: number;
  unit_id: string | null; assigned_by: string | null; version: number; received_at: Date | string;
  dispatched_at: Date | string | null; en_route_at: Date | string | null; on_scene_at: Date | string | null; handled_at: Date | string | null; closed_at: Date | string | null;
}

const COLUMNS = 'call_id, priority, category, grid_id, lon, lat, unit_id, assigned_by, version, received_at, dispatched_at, en_route_at, on_scene_at, handled_at, closed_at';
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

function toRow(r: RawIncident, now: number): IncidentRow {
  return {
    id: r.call_id, priority: Number(r.priority), category: r.category, gridId: r.grid_id, lon: Number(r.lon), lat: Number(r.lat),
    status: incidentStateAt({ dispatchedAt: ms(r.dispatched_at), enRouteAt: ms(r.en_route_at), onSceneAt: ms(r.on_scene_at), handledAt: ms(r.handled_at), closedAt: ms(r.closed_at) }, now),
    assignedUnitId: r.unit_id, assignedBy: r.assigned_by, version: Number(r.version),
    receivedAt: iso(r.received_at)!, dispatchedAt: iso(r.dispatched_at), enRouteAt: iso(r.en_route_at), onSceneAt: iso(r.on_scene_at), handledAt: iso(r.handled_at), closedAt: iso(r.closed_at),
  };
}

/**
 * Incidents received in [from, to) (to null: no upper bound), by priority then waiting time. The state filter runs over
 * the one state model (incidentStateAt) rather than a copy of it in SQL; the window bounds it.
 */
export async function listIncidents(db: Queryable, q: { from: Date; to: Date | null; status: IncidentState | null; now: number; limit: number }): Promise<IncidentRow[]> {
  const { rows } = await db.query<RawIncident>(
    `SELECT ${COLUMNS} FROM incidents WHERE received_at >= $1 AND ($2::timestamptz IS NULL OR received_at < $2) ORDER BY priority, received_at`,
    [q.from.toISOString(), q.to?.toISOString() ?? null],
  );
  return rows.map((r) => toRow(r, q.now)).filter((r) => q.status === null || r.status === q.status).slice(0, q.limit);
}

export async function getIncident(db: Queryable, id: string, now: number): Promise<IncidentRow | null> {
  const { rows } = await db.query<RawIncident>(`SELECT ${COLUMNS} FROM incidents WHERE call_id = $1`, [id]);
  return rows[0] ? toRow(rows[0], now) : null;
}

export interface UnitRow { unitId: string; status: UnitStatusCode; lon: number | null; lat: number | null; incidentId: string | null; at: string; version: number }

export async function availableUnits(db: Queryable): Promise<UnitRow[]> {
  return listUnits(db, FREE_UNIT_STATUS);
}

/** Units in their current state (all, or those of one status), by id. */
export async function listUnits(db: Queryable, status: UnitStatusCode | null): Promise<UnitRow[]> {
  const { rows } = await db.query<{ unit_id: string; status: UnitStatusCode; lon: number | null; lat: number | null; incident_id: string | null; at: Date | string; version: number }>(
    `SELECT unit_id, status, lon, lat, incident_id, at, version FROM units WHERE $1::text IS NULL OR status = $1 ORDER BY unit_id`,
    [status],
  );
  return rows.map((r) => ({ unitId: r.unit_id, status: r.status, lon: r.lon === null ? null : Number(r.lon), lat: r.lat === null ? null : Number(r.lat), incidentId: r.incident_id, at: iso(r.at)!, version: Number(r.version) }));
}

export interface AssignInput { incidentId: string; unitId: string; by: string; expectedVersion?: number; reassign: boolean; now: number }

export type AssignOutcome =
  | { ok: true; incident: IncidentRow; previousUnitId: string | null }
  | { ok: false; conflict: AssignConflict; message: string; incident: IncidentRow }
  | { ok: false; conflict: 'not_found' };

/** Runs inside the caller's transaction (the audit entry commits with it). */
export async function assignUnit(tx: Queryable, a: AssignInput): Promise<AssignOutcome> {
  const { rows } = await tx.query<RawIncident>(`SELECT ${COLUMNS} FROM incidents WHERE call_id = $1 FOR UPDATE`, [a.incidentId]);
  if (!rows[0]) return { ok: false, conflict: 'not_found' };
  const cur = toRow(rows[0], a.now);
  const refuse = (conflict: AssignConflict, message: string): AssignOutcome => ({ ok: false, conflict, message, incident: cur });
  if (a.expectedVersion !== undefined && a.expectedVersion !== cur.version) {
    return refuse('stale_version', `incident is at version ${cur.version}, not ${a.expectedVersion}`);
  }
  // A handled or closed incident is sent nobody, whoever holds it.
  if (!ASSIGNABLE.has(cur.status) && !REASSIGNABLE.has(cur.status)) return refuse('transition', `an incident ${cur.status} cannot be assigned`);
  if (cur.assignedUnitId !== null && !a.reassign) {
    return refuse('already_assigned', `incident is already assigned to ${cur.assignedUnitId}${cur.assignedBy ? ` by ${cur.assignedBy}` : ''}`);
  }
  const allowed = a.reassign && cur.assignedUnitId !== null ? REASSIGNABLE : ASSIGNABLE;
  if (!allowed.has(cur.status)) return refuse('transition', `an incident ${cur.status} cannot be ${a.reassign ? 'reassigned' : 'assigned'}`);
  if (cur.assignedUnitId === a.unitId) return refuse('already_assigned', `incident is already assigned to ${a.unitId}`);
  const unit = await tx.query<{ status: string }>(`SELECT status FROM units WHERE unit_id = $1 FOR UPDATE`, [a.unitId]);
  if (unit.rows[0]?.status !== FREE_UNIT_STATUS) return refuse('unit_unavailable', `unit ${a.unitId} is not available`);

  const at = new Date(a.now).toISOString();
  const updated = await tx.query<RawIncident>(
    `UPDATE incidents SET unit_id = $2, assigned_by = $3, version = version + 1, dispatched_at = coalesce(dispatched_at, $4::timestamptz)
     WHERE call_id = $1 AND version = $5 RETURNING ${COLUMNS}`,
    [a.incidentId, a.unitId, a.by, at, cur.version],
  );
  if (!updated.rows[0]) return refuse('stale_version', 'incident changed meanwhile');
  // A unit assigned is not available; the field's next report (en route…) takes over from here.
  await tx.query(`UPDATE units SET status = $3, incident_id = $2, version = version + 1 WHERE unit_id = $1`, [a.unitId, a.incidentId, ASSIGNED_UNIT_STATUS]);
  if (cur.assignedUnitId !== null) {
    await tx.query(`UPDATE units SET status = $3, incident_id = NULL, version = version + 1 WHERE unit_id = $1 AND incident_id = $2`, [cur.assignedUnitId, a.incidentId, FREE_UNIT_STATUS]);
  }
  return { ok: true, incident: toRow(updated.rows[0], a.now), previousUnitId: cur.assignedUnitId };
}
