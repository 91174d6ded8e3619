/**
 * Dispatch rules, defined once: how fast each kind of unit travels (the ETA of a suggestion is
 * the straight-line distance over it until a road graph refines it), when a unit's last
 * position is too old to rank it as near, and the codes the dispatch API answers with.
 */
import { z } from 'zod';
import type { IncidentState, UnitStatusCode } from './contracts/codes';
import { UnitKind } from './region/schema';

export const DispatchRules = z.object({
  /** Metres per second by unit kind. */
  speedMps: z.record(UnitKind, z.number().positive()),
  /** A unit whose last report is older than this is suggested as stale, after the fresh ones. */
  staleAfterSeconds: z.number().int().positive(),
});
export type DispatchRules = z.infer<typeof DispatchRules>;

export const DISPATCH_RULES: DispatchRules = DispatchRules.parse({
  // Township roads: a patrol car ~40 km/h, a community officer on an e-bike ~15 km/h.
  speedMps: { patrol_car: 11, community_officer: 4, station: 11, mediator: 4 },
  staleAfterSeconds: 600,
});

/** The unit status that may be sent (and that a replaced unit returns to), and the status an assignment gives it. */
export const FREE_UNIT_STATUS: UnitStatusCode = 'available';
export const ASSIGNED_UNIT_STATUS: UnitStatusCode = 'dispatched';
/** The incident states an assignment may start from, and a reassignment (a handled incident is sent nobody). */
export const ASSIGNABLE_STATES: ReadonlySet<IncidentState> = new Set(['received']);
export const REASSIGNABLE_STATES: ReadonlySet<IncidentState> = new Set(['dispatched', 'on_scene']);

/** Why a unit is suggested where it is. */
export const SUGGESTION_REASONS = ['nearest_available', 'stale_position', 'home_position'] as const;
export const SuggestionReason = z.enum(SUGGESTION_REASONS);
export type SuggestionReason = z.infer<typeof SuggestionReason>;

/** Why an assignment was refused with 409. */
export const ASSIGN_CONFLICTS = ['already_assigned', 'unit_unavailable', 'stale_version', 'transition'] as const;
export const AssignConflict = z.enum(ASSIGN_CONFLICTS);
export type AssignConflict = z.infer<typeof AssignConflict>;

export const AssignBody = z.object({
  unitId: z.string().min(1).max(128),
  instruction: z.string().max(2000).optional(),
  expectedVersion: z.number().int().min(0).optional(),
  reassign: z.boolean().optional(),
});
export type AssignBody = z.infer<typeof AssignBody>;

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine): "straight line" at county scale. */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
