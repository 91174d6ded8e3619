/**
 * What the wall receives: a snapshot (its state at a sequence number), then ordered deltas.
 * These carry no names, phones, addresses or free text: the wall is seen by everyone in the
 * room and on the video briefings (DESIGN.md §3 Privacy).
 */
import type { AlertType, CallCategory, CaseLevel, CaseStatusCode, IncidentState, Risk, UnitStatusCode } from '../contracts';

export interface WallCall {
  id: string;
  /** Event time, ms since epoch. */
  t: number;
  category: CallCategory;
  priority: number;
  lon: number;
  lat: number;
  gridId: string | null;
  townCode: string | null;
  state: IncidentState;
}

export interface WallAlert { id: string; t: number; type: AlertType; cameraId: string; gridId: string | null; lon: number; lat: number }
export interface WallCaseChange { caseId: string; t: number; status: CaseStatusCode; level: CaseLevel; risk: Risk; gridId: string }
export interface WallUnitChange { unitId: string; t: number; status: UnitStatusCode; lon: number | null; lat: number | null; incidentId: string | null }
export interface WallDispatch { incidentId: string; unitId: string; t: number }
/** A warning as the wall shows it: what, where, why, since when. */
export interface WallWarning {
  id: string; rule: string; colour: 'yellow' | 'red'; regionCode: string; reason: string; raisedAt: number;
  status: 'raised' | 'acknowledged' | 'resolved';
}

/** Figures the server recomputes from the database (the truth the increments converge to). */
export interface WallFigures {
  /** Start of "today" in the center's zone, ms. */
  dayStart: number;
  callsToday: number;
  /** Calls last week from the same weekday's start to the same time of day. */
  callsSameTimeLastWeek: number;
  callsByHourToday: number[];
  callsByHourLastWeek: number[];
  byCategoryToday: Partial<Record<CallCategory, number>>;
  /** Resolution rate (化解率) of cases opened in the last 30 days; null with none. */
  resolutionRate30d: number | null;
  camerasTotal: number;
  /** Calls per grid over the last 7 days and camera alerts per grid over the last 24 h (for the choropleth). */
  gridCalls7d: Record<string, number>;
  gridAlerts24h: Record<string, number>;
}

export interface WallCase { status: CaseStatusCode; level: CaseLevel; risk: Risk; gridId: string; t: number }
export interface WallUnit { status: UnitStatusCode; lon: number; lat: number; t: number; incidentId: string | null }

export interface WallState {
  /** Identifies the server process that numbered the deltas: a resume needs the same epoch. */
  epoch: string;
  seq: number;
  /** Server time the state reflects, ms. */
  at: number;
  /** Newest event time seen, ms: what the wall's "data age" shows. */
  newestEventAt: number | null;
  figures: WallFigures;
  /** Last 24 h of calls, newest first. */
  incidents: WallCall[];
  /** Calls per grid over the last 24 h. */
  gridCalls: Record<string, number>;
  /** Open cases (not resolved or closed). */
  cases: Record<string, WallCase>;
  units: Record<string, WallUnit>;
  /** Cameras whose latest word was "offline", with its time. */
  offlineCameras: Record<string, number>;
  /** Camera alerts of the last hour, newest first (offline notices excluded). */
  alerts: WallAlert[];
  /** Active (not resolved) warnings. */
  warnings: Record<string, WallWarning>;
}

export type WallDeltaBody =
  | { type: 'calls'; items: WallCall[] }
  | { type: 'alerts'; items: WallAlert[] }
  | { type: 'cases'; items: WallCaseChange[] }
  | { type: 'units'; items: WallUnitChange[] }
  | { type: 'dispatches'; items: WallDispatch[] }
  | { type: 'warnings'; items: WallWarning[] }
  | { type: 'figures'; figures: WallFigures };

export type WallDelta = WallDeltaBody & { seq: number; at: number };

export const INCIDENT_WINDOW_MS = 24 * 3_600_000;
export const ALERT_WINDOW_MS = 3_600_000;
export const MAX_INCIDENTS = 5000;
export const MAX_ALERTS = 1000;
