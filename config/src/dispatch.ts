/**
 * Dispatch rules, defined once: how fast each kind of unit travels (the ETA of a suggestion is
 * the straight-line distance over it until a road graph refines it), when a unit's last
 * position is too old to rank it as near, and the codes the dispatch API answers with.
 */
import { z } from 'zod';
import { AlertType, CallCategory, CaseLevel, CaseStatusCode, IncidentState, Risk, UnitStatusCode } from './contracts/codes';
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
export const REASSIGNABLE_STATES: ReadonlySet<IncidentState> = new Set(['dispatched', 'en_route', 'on_scene']);
/** The states after which an incident no longer needs the duty room: the console's queue shows every other one. */
export const FINISHED_STATES: ReadonlySet<IncidentState> = new Set(['handled', 'closed']);

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

// ---------------------------------------------------------------------------------------------
// The console's wire shapes (GET /api/incidents…, the assignment's answers). One definition for
// the routes (their zod response schemas), the console page and the tests.

const IsoTime = z.string();

/** An incident as the API lists it. `assignedBy` is a username: null for the wall token. */
export const IncidentView = z.object({
  id: z.string(),
  status: IncidentState,
  priority: z.number().int(),
  category: CallCategory,
  gridId: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  assignedUnitId: z.string().nullable(),
  assignedBy: z.string().nullable(),
  version: z.number().int().min(0),
  receivedAt: IsoTime,
  dispatchedAt: IsoTime.nullable(),
  enRouteAt: IsoTime.nullable(),
  onSceneAt: IsoTime.nullable(),
  handledAt: IsoTime.nullable(),
  closedAt: IsoTime.nullable(),
});
export type IncidentView = z.infer<typeof IncidentView>;

/** One ranked unit of GET /api/incidents/<id>/suggestions. */
export const Suggestion = z.object({
  unitId: z.string(),
  kind: UnitKind.nullable(),
  status: UnitStatusCode,
  distanceM: z.number().int().min(0),
  etaS: z.number().int().min(0),
  stale: z.boolean(),
  reason: SuggestionReason,
  /** When the position was reported. */
  positionAt: IsoTime,
  /** Incidents the unit was sent to since the local midnight: its load today. */
  loadToday: z.number().int().min(0),
});
export type Suggestion = z.infer<typeof Suggestion>;

/** The 409 of an assignment: why, the incident as it stands, and who holds it. */
export const AssignConflictBody = z.object({
  error: z.object({ code: AssignConflict, message: z.string() }),
  current: IncidentView,
});
export type AssignConflictBody = z.infer<typeof AssignConflictBody>;

/** How far in space and time the card looks for what belongs with an incident (fusion). */
export const FusionRules = z.object({
  /** Camera alerts and dispute cases within this distance of the call… */
  radiusM: z.number().positive(),
  /** …alerts within this time either side of it… */
  alertWindowMinutes: z.number().int().positive(),
  /** …cases open, or changed within this many days before it. */
  caseWithinDays: z.number().int().positive(),
  /** Earlier calls from the same caller (keyed hash) or the same place, this many days back. */
  earlierCallsDays: z.number().int().positive(),
  /** "The same place": within this distance. */
  samePlaceRadiusM: z.number().positive(),
  /** At most this many of each list, nearest in time first. */
  limit: z.number().int().positive(),
});
export type FusionRules = z.infer<typeof FusionRules>;

export const FUSION_RULES: FusionRules = FusionRules.parse({
  radiusM: 500, alertWindowMinutes: 120, caseWithinDays: 30, earlierCallsDays: 90, samePlaceRadiusM: 100, limit: 20,
});

export const TIMELINE_KINDS = ['received', 'assigned', 'unit_status', 'closed'] as const;
export const TimelineKind = z.enum(TIMELINE_KINDS);

/** GET /api/incidents/<id>: the incident's card for a dispatcher (phones masked; no clear number anywhere). */
export const IncidentCard = z.object({
  incident: IncidentView.extend({
    /** The call summary with phone numbers masked. */
    summary: z.string(),
    /** 138****1234, or null without a number. */
    callerMasked: z.string().nullable(),
    address: z.string().nullable(),
    townCode: z.string().nullable(),
    villageCode: z.string().nullable(),
  }),
  /** What happened to it, oldest first. `by` is a username (console assignments), null from the field. */
  timeline: z.array(z.object({
    at: IsoTime, kind: TimelineKind, status: UnitStatusCode.nullable(), unitId: z.string().nullable(), by: z.string().nullable(),
  })),
  fusion: z.object({
    alerts: z.array(z.object({ id: z.string(), cameraId: z.string(), type: AlertType, occurredAt: IsoTime, distanceM: z.number().int().min(0) })),
    cases: z.array(z.object({
      caseId: z.string(), kind: z.string(), category: z.string(), status: CaseStatusCode, level: CaseLevel, risk: Risk,
      changedAt: IsoTime, distanceM: z.number().int().min(0).nullable(), relatedCallId: z.string().nullable(),
    })),
    sameCaller: z.array(z.object({ id: z.string(), receivedAt: IsoTime, category: CallCategory, distanceM: z.number().int().min(0) })),
    samePlace: z.array(z.object({ id: z.string(), receivedAt: IsoTime, category: CallCategory, distanceM: z.number().int().min(0) })),
  }),
  /** 民转刑: the repeat-dispute rule has fired for this call's caller, place or case. */
  criminalRisk: z.object({ flagged: z.boolean(), warningIds: z.array(z.string()) }),
});
export type IncidentCard = z.infer<typeof IncidentCard>;

/** Exact percentiles over the raw intervals of one period (never averages of daily percentiles). */
export const Percentiles = z.object({ n: z.number().int().min(0), p50S: z.number().nullable(), p90S: z.number().nullable() });
export type Percentiles = z.infer<typeof Percentiles>;

/**
 * Response times of the incidents received in a period: to dispatch (received → dispatched),
 * to arrive (received → on scene) and on scene (on scene → handled), seconds.
 */
export const ResponseTimesPeriod = z.object({ from: IsoTime, to: IsoTime, toDispatch: Percentiles, toArrive: Percentiles, onScene: Percentiles });
export type ResponseTimesPeriod = z.infer<typeof ResponseTimesPeriod>;

/** GET /api/incidents/response-times: today (since local midnight) and this week (since Monday 00:00, the center's zone). */
export const ResponseTimes = z.object({ today: ResponseTimesPeriod, week: ResponseTimesPeriod });
export type ResponseTimes = z.infer<typeof ResponseTimes>;

/**
 * A unit as GET /api/units lists it: its current state (its newest report, or the console's
 * assignment), what the wall's 可调警力 counts. `kind` is null for a unit the region does not list.
 */
export const UnitView = z.object({
  unitId: z.string(),
  kind: UnitKind.nullable(),
  status: UnitStatusCode,
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  incidentId: z.string().nullable(),
  at: IsoTime,
});
export type UnitView = z.infer<typeof UnitView>;
