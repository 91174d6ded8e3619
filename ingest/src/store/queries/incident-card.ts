/**
 * What the dispatch console's incident card reads besides the incident row: the call itself
 * (summary, masked caller, address), its timeline, and the fusion of FUSION_RULES — camera
 * alerts near it in space and time, dispute cases in its grid or the grids within reach,
 * earlier calls from the same caller (keyed hash) or the same place — and the repeat-dispute
 * warnings whose evidence holds this call or one of those calls (民转刑).
 *
 * Distances are great-circle (config's distanceM) computed here after a bounding-box filter in
 * SQL, so the two stores answer alike (no PostGIS in either). Cases carry a grid, not a point:
 * their distance is from the grid's centroid. Every list is nearest in time first, at most
 * `limit` long. Nothing here masks: the route masks what it shows.
 */
import { CLOSED_CASE_STATUS_LIST } from '@watchfloor/config/contracts';
import { distanceM, type FusionRules } from '@watchfloor/config/dispatch';
import { distanceToGeometryM, geometryBBox, geometryCentroid, M_PER_DEG_LAT, M_PER_DEG_LON_EQ, type Region } from '@watchfloor/config/region';
import type { Queryable } from '../db';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

type Time = Date | string;
const iso = (v: Time) => new Date(v).toISOString();
const ms = (v: Time) => new Date(v).getTime();

export interface CardCall {
  id: string; receivedAt: string; category: string; priority: number; summary: string;
  lon: number; lat: number; address: string | null; gridId: string | null; villageCode: string | null; townCode: string | null;
  callerHash: string | null; callerMasked: string | null;
}

export async function cardCall(db: Queryable, id: string): Promise<CardCall | null> {
  const { rows } = await db.query<{
    id: string; received_at: Time; category: string; priority: number; summary: string; lon: number; lat: number; address: string | null;
    grid_id: string | null; village_code: string | null; town_code: string | null; caller_hash: string | null; caller_masked: string | null;
  }>(
    `SELECT id, received_at, category, priority, summary, lon, lat, address, grid_id, village_code, town_code, caller_hash, caller_masked
     FROM calls WHERE id = $1 ORDER BY received_at LIMIT 1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id, receivedAt: iso(r.received_at), category: r.category, priority: Number(r.priority), summary: r.summary,
    lon: Number(r.lon), lat: Number(r.lat), address: r.address, gridId: r.grid_id, villageCode: r.village_code, townCode: r.town_code,
    callerHash: r.caller_hash, callerMasked: r.caller_masked,
  };
}

export type TimelineEntry =
  | { at: string; kind: 'assigned'; unitId: string; by: string }
  | { at: string; kind: 'unit_status'; unitId: string; status: string };

/** Console assignments (dispatches) and field reports (unit_events) naming the incident, oldest first. */
export async function cardTimeline(db: Queryable, incidentId: string): Promise<TimelineEntry[]> {
  const d = await db.query<{ at: Time; unit_id: string; by_user: string }>('SELECT at, unit_id, by_user FROM dispatches WHERE incident_id = $1', [incidentId]);
  const u = await db.query<{ at: Time; unit_id: string; status: string }>('SELECT at, unit_id, status FROM unit_events WHERE incident_id = $1', [incidentId]);
  const out: TimelineEntry[] = [
    ...d.rows.map((r) => ({ at: iso(r.at), kind: 'assigned' as const, unitId: r.unit_id, by: r.by_user })),
    ...u.rows.map((r) => ({ at: iso(r.at), kind: 'unit_status' as const, unitId: r.unit_id, status: r.status })),
  ];
  // At one instant the assignment comes before the field's answer to it.
  return out.sort((a, b) => ms(a.at) - ms(b.at) || (a.kind === b.kind ? 0 : a.kind === 'assigned' ? -1 : 1));
}

/** A lon/lat box around a point that holds every point within `m` metres. */
function box(p: { lon: number; lat: number }, m: number): [number, number, number, number] {
  const dLat = m / M_PER_DEG_LAT;
  const dLon = m / (M_PER_DEG_LON_EQ * Math.max(0.01, Math.cos((p.lat * Math.PI) / 180)));
  return [p.lon - dLon, p.lat - dLat, p.lon + dLon, p.lat + dLat];
}

const byTimeFrom = (t: number) => <T extends { at: number }>(a: T, b: T) => Math.abs(a.at - t) - Math.abs(b.at - t);

export interface FusionAlert { id: string; cameraId: string; type: string; occurredAt: string; distanceM: number }

/** Camera alerts within radiusM and ±alertWindowMinutes of the call. */
export async function fusionAlerts(db: Queryable, c: CardCall, rules: FusionRules): Promise<FusionAlert[]> {
  const t = ms(c.receivedAt);
  const w = rules.alertWindowMinutes * MINUTE_MS;
  const [x0, y0, x1, y1] = box(c, rules.radiusM);
  const { rows } = await db.query<{ id: string; camera_id: string; type: string; occurred_at: Time; lon: number; lat: number }>(
    `SELECT id, camera_id, type, occurred_at, lon, lat FROM alerts
     WHERE occurred_at >= $1 AND occurred_at <= $2 AND lon BETWEEN $3 AND $4 AND lat BETWEEN $5 AND $6`,
    [new Date(t - w).toISOString(), new Date(t + w).toISOString(), x0, x1, y0, y1],
  );
  return rows
    .map((r) => ({ id: r.id, cameraId: r.camera_id, type: r.type, occurredAt: iso(r.occurred_at), at: ms(r.occurred_at), d: distanceM(c, { lon: Number(r.lon), lat: Number(r.lat) }) }))
    .filter((a) => a.d <= rules.radiusM)
    .sort(byTimeFrom(t))
    .slice(0, rules.limit)
    .map(({ at: _at, d, ...a }) => ({ ...a, distanceM: Math.round(d) }));
}

/**
 * The grids a case may lie in to count as near: the call's own grid, and every grid whose
 * outline comes within radiusM of the call (its neighbours within reach).
 */
export function gridsWithin(region: Region, c: { lon: number; lat: number; gridId: string | null }, radiusM: number): string[] {
  const [x0, y0, x1, y1] = box(c, radiusM);
  const out = new Set<string>(c.gridId ? [c.gridId] : []);
  for (const f of region.grids.features) {
    const [gx0, gy0, gx1, gy1] = geometryBBox(f.geometry);
    if (gx1 < x0 || gx0 > x1 || gy1 < y0 || gy0 > y1) continue;
    if (distanceToGeometryM(c.lon, c.lat, f.geometry) <= radiusM) out.add(f.properties.code);
  }
  return [...out];
}

export interface FusionCase {
  caseId: string; kind: string; category: string; status: string; level: string; risk: string;
  changedAt: string; distanceM: number | null; relatedCallId: string | null;
}

/** Dispute cases open, or changed within caseWithinDays before the call, in the grids within reach. */
export async function fusionCases(db: Queryable, region: Region, c: CardCall, rules: FusionRules): Promise<FusionCase[]> {
  const t = ms(c.receivedAt);
  const grids = gridsWithin(region, c, rules.radiusM);
  if (!grids.length) return [];
  const { rows } = await db.query<{
    case_id: string; kind: string; category: string; status: string; level: string; risk: string; grid_id: string; changed_at: Time; related_call_id: string | null;
  }>(
    `SELECT case_id, kind, category, status, level, risk, grid_id, changed_at, related_call_id FROM cases
     WHERE grid_id = ANY($1::text[]) AND (status <> ALL($2::text[]) OR changed_at >= $3)`,
    [grids, [...CLOSED_CASE_STATUS_LIST], new Date(t - rules.caseWithinDays * DAY_MS).toISOString()],
  );
  const centroids = new Map(region.grids.features.filter((f) => grids.includes(f.properties.code)).map((f) => [f.properties.code, geometryCentroid(f.geometry)]));
  return rows
    .map((r) => {
      const g = centroids.get(r.grid_id);
      const d = g ? distanceM(c, g) : null;
      return {
        caseId: r.case_id, kind: r.kind, category: r.category, status: r.status, level: r.level, risk: r.risk,
        changedAt: iso(r.changed_at), at: ms(r.changed_at), distanceM: d === null ? null : Math.round(d), relatedCallId: r.related_call_id,
      };
    })
    .sort(byTimeFrom(t))
    .slice(0, rules.limit)
    .map(({ at: _at, ...k }) => k);
}

export interface EarlierCall { id: string; receivedAt: string; category: string; distanceM: number }

type RawCall = { id: string; received_at: Time; category: string; lon: number; lat: number };
const earlier = (c: CardCall, rows: RawCall[]) =>
  rows.map((r) => ({ id: r.id, receivedAt: iso(r.received_at), category: r.category, at: ms(r.received_at), d: distanceM(c, { lon: Number(r.lon), lat: Number(r.lat) }) }));

/** Calls before this one, within earlierCallsDays, from the same caller (keyed hash): none for a call without a number. */
export async function sameCallerCalls(db: Queryable, c: CardCall, rules: FusionRules): Promise<EarlierCall[]> {
  if (!c.callerHash) return [];
  const t = ms(c.receivedAt);
  const { rows } = await db.query<RawCall>(
    `SELECT id, received_at, category, lon, lat FROM calls
     WHERE caller_hash = $1 AND id <> $2 AND received_at < $3 AND received_at >= $4 ORDER BY received_at DESC LIMIT $5`,
    [c.callerHash, c.id, c.receivedAt, new Date(t - rules.earlierCallsDays * DAY_MS).toISOString(), rules.limit],
  );
  return earlier(c, rows).map(({ at: _at, d, ...k }) => ({ ...k, distanceM: Math.round(d) }));
}

/** Calls before this one, within earlierCallsDays, within samePlaceRadiusM of it (whoever called). */
export async function samePlaceCalls(db: Queryable, c: CardCall, rules: FusionRules): Promise<EarlierCall[]> {
  const t = ms(c.receivedAt);
  const [x0, y0, x1, y1] = box(c, rules.samePlaceRadiusM);
  const { rows } = await db.query<RawCall>(
    `SELECT id, received_at, category, lon, lat FROM calls
     WHERE id <> $1 AND received_at < $2 AND received_at >= $3 AND lon BETWEEN $4 AND $5 AND lat BETWEEN $6 AND $7
     ORDER BY received_at DESC`,
    [c.id, c.receivedAt, new Date(t - rules.earlierCallsDays * DAY_MS).toISOString(), x0, x1, y0, y1],
  );
  return earlier(c, rows)
    .filter((k) => k.d <= rules.samePlaceRadiusM)
    .slice(0, rules.limit)
    .map(({ at: _at, d, ...k }) => ({ ...k, distanceM: Math.round(d) }));
}

/**
 * repeat_dispute warnings (民转刑) behind this call: the rule names a grid as its subject and
 * lists the dispute calls it counted as evidence, so a warning is this call's when its
 * evidence holds the call, an earlier call of the same caller or place, or a near case's call.
 */
export async function repeatDisputeWarnings(db: Queryable, callIds: readonly string[]): Promise<string[]> {
  if (!callIds.length) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM warnings WHERE rule = 'repeat_dispute' AND evidence && $1::text[] ORDER BY raised_at DESC, id`,
    [[...new Set(callIds)]],
  );
  return rows.map((r) => r.id);
}
