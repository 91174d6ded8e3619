/**
 * What the wall receives: a snapshot (its state at a sequence number), then ordered deltas.
 * These carry no names, phones, addresses or free text: the wall is seen by everyone in the
 * room and on the video briefings (DESIGN.md §3 Privacy). Declared as zod schemas because
 * deltas cross process boundaries (the Kafka deltas topic) and are checked where they land.
 */
import { z } from 'zod';
import { AlertType, CallCategory, CaseLevel, CaseStatusCode, IncidentState, Risk, UnitStatusCode } from '../contracts/codes';
import { RuleId, WarningColour, WarningStatus } from '../rules/warning';

const Ms = z.number().finite();
const Count = z.number().int().min(0);
const Id = z.string().min(1).max(128);

export const WallCall = z.object({
  id: Id,
  /** Event time, ms since epoch. */
  t: Ms,
  category: CallCategory,
  priority: z.number().int(),
  lon: z.number(),
  lat: z.number(),
  gridId: z.string().nullable(),
  townCode: z.string().nullable(),
  state: IncidentState,
  /** When a handled incident closes (or closed), ms (config/src/contracts/incident-states.ts); absent before it is handled. */
  closesAt: Ms.optional(),
});
export type WallCall = z.infer<typeof WallCall>;

export const WallAlert = z.object({ id: Id, t: Ms, type: AlertType, cameraId: Id, gridId: z.string().nullable(), lon: z.number(), lat: z.number() });
export type WallAlert = z.infer<typeof WallAlert>;
export const WallCaseChange = z.object({ caseId: Id, t: Ms, status: CaseStatusCode, level: CaseLevel, risk: Risk, gridId: z.string() });
export type WallCaseChange = z.infer<typeof WallCaseChange>;
export const WallUnitChange = z.object({
  unitId: Id, t: Ms, status: UnitStatusCode, lon: z.number().nullable(), lat: z.number().nullable(), incidentId: Id.nullable(),
});
export type WallUnitChange = z.infer<typeof WallUnitChange>;
export const WallDispatch = z.object({ incidentId: Id, unitId: Id, t: Ms });
export type WallDispatch = z.infer<typeof WallDispatch>;

/** A warning as the wall shows it: what, where, why, since when. */
export const WallWarning = z.object({
  id: z.string().min(1), rule: RuleId, colour: WarningColour, regionCode: z.string(), reason: z.string(), raisedAt: Ms, status: WarningStatus,
});
export type WallWarning = z.infer<typeof WallWarning>;

/** Figures the server recomputes from the database (the truth the increments converge to). */
export const WallFigures = z.object({
  /** Start of "today" in the center's zone, ms. */
  dayStart: Ms,
  callsToday: Count,
  /** Calls last week from the same weekday's start to the same time of day. */
  callsSameTimeLastWeek: Count,
  callsByHourToday: z.array(Count),
  callsByHourLastWeek: z.array(Count),
  byCategoryToday: z.partialRecord(CallCategory, Count),
  /** Resolution rate (化解率) of cases opened in the last 30 days; null with none. */
  resolutionRate30d: z.number().min(0).max(1).nullable(),
  camerasTotal: Count,
  /** Calls per grid over the last 7 days and camera alerts per grid over the last 24 h (for the choropleth). */
  gridCalls7d: z.record(z.string(), Count),
  gridAlerts24h: z.record(z.string(), Count),
});
export type WallFigures = z.infer<typeof WallFigures>;

export const WallCase = z.object({ status: CaseStatusCode, level: CaseLevel, risk: Risk, gridId: z.string(), t: Ms });
export type WallCase = z.infer<typeof WallCase>;
export const WallUnit = z.object({ status: UnitStatusCode, lon: z.number(), lat: z.number(), t: Ms, incidentId: Id.nullable() });
export type WallUnit = z.infer<typeof WallUnit>;

export const WallState = z.object({
  /** Identifies the server process that numbered the deltas: a resume needs the same epoch. */
  epoch: z.string(),
  seq: Count,
  /** Server time the state reflects, ms. */
  at: Ms,
  /** Newest event time seen at or before the server's clock, ms: what the wall's "data age" shows. */
  newestEventAt: Ms.nullable(),
  figures: WallFigures,
  /** Last 24 h of calls, newest first. */
  incidents: z.array(WallCall),
  /** Calls per grid over the last 24 h. */
  gridCalls: z.record(z.string(), Count),
  /** Open cases (not resolved or closed). */
  cases: z.record(z.string(), WallCase),
  units: z.record(z.string(), WallUnit),
  /** Cameras whose latest word was "offline", with its time. */
  offlineCameras: z.record(z.string(), Ms),
  /** Camera alerts of the last hour, newest first (offline notices excluded). */
  alerts: z.array(WallAlert),
  /** Active (not resolved) warnings. */
  warnings: z.record(z.string(), WallWarning),
});
export type WallState = z.infer<typeof WallState>;

export const WallDeltaBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('calls'), items: z.array(WallCall) }),
  z.object({ type: z.literal('alerts'), items: z.array(WallAlert) }),
  z.object({ type: z.literal('cases'), items: z.array(WallCaseChange) }),
  z.object({ type: z.literal('units'), items: z.array(WallUnitChange) }),
  z.object({ type: z.literal('dispatches'), items: z.array(WallDispatch) }),
  z.object({ type: z.literal('warnings'), items: z.array(WallWarning) }),
  z.object({ type: z.literal('figures'), figures: WallFigures }),
]);
export type WallDeltaBody = z.infer<typeof WallDeltaBody>;

export type WallDelta = WallDeltaBody & { seq: number; at: number };

export const INCIDENT_WINDOW_MS = 24 * 3_600_000;
export const ALERT_WINDOW_MS = 3_600_000;
export const MAX_INCIDENTS = 5000;
export const MAX_ALERTS = 1000;
