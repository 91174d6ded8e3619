/**
 * The fixed codes of DESIGN.md §3. Labels (zh-CN) live in the UI strings, never here:
 * codes travel on the wire and into the database, labels are for people.
 */
import { z } from 'zod';

export const CALL_CATEGORIES = [
  'criminal', 'public_order', 'traffic', 'fraud',
  'dispute.family', 'dispute.neighbor', 'dispute.debt', 'dispute.land', 'dispute.labor',
  'help', 'fire', 'other',
] as const;
export const CallCategory = z.enum(CALL_CATEGORIES);
export type CallCategory = z.infer<typeof CallCategory>;

export const CALL_SOURCES = ['phone', 'sms', 'app', 'video'] as const;
export const CallSource = z.enum(CALL_SOURCES);

export const ALERT_TYPES = [
  'crowd', 'intrusion', 'fire_smoke', 'fight', 'vehicle_violation', 'water_danger', 'camera_offline',
] as const;
export const AlertType = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof AlertType>;
/** A camera's status notice rather than something it saw: kept out of alert counts and lists. */
export const CAMERA_OFFLINE_ALERT: AlertType = 'camera_offline';

export const CASE_KINDS = ['dispute', 'petition', 'incident'] as const;
export const CaseKind = z.enum(CASE_KINDS);
export const CASE_CATEGORIES = ['family', 'neighbor', 'debt', 'land', 'labor', 'other'] as const;
export const CaseCategory = z.enum(CASE_CATEGORIES);
export const CASE_STATUSES = ['registered', 'mediating', 'escalated', 'resolved', 'closed', 'reopened'] as const;
export const CaseStatusCode = z.enum(CASE_STATUSES);
export type CaseStatusCode = z.infer<typeof CaseStatusCode>;
/** Ordered from the lowest level up: 四级 of 四级七天. */
export const CASE_LEVELS = ['grid', 'village', 'town', 'county'] as const;
export const CaseLevel = z.enum(CASE_LEVELS);
export type CaseLevel = z.infer<typeof CaseLevel>;
export const RISKS = ['red', 'yellow', 'blue'] as const;
export const Risk = z.enum(RISKS);
export type Risk = z.infer<typeof Risk>;

export const UNIT_STATUSES = ['available', 'dispatched', 'en_route', 'on_scene', 'busy', 'off_duty'] as const;
export const UnitStatusCode = z.enum(UNIT_STATUSES);
export type UnitStatusCode = z.infer<typeof UnitStatusCode>;

export const INCIDENT_STATES = ['received', 'dispatched', 'en_route', 'on_scene', 'handled', 'closed'] as const;
export const IncidentState = z.enum(INCIDENT_STATES);
export type IncidentState = z.infer<typeof IncidentState>;

/**
 * Statuses after which a case no longer counts as open (its escalation clock stops). SQL
 * receives the list as a parameter (`status = ANY($n::text[])`), never a copy of it.
 */
export const CLOSED_CASE_STATUS_LIST: readonly CaseStatusCode[] = ['resolved', 'closed'];
export const CLOSED_CASE_STATUSES: ReadonlySet<CaseStatusCode> = new Set(CLOSED_CASE_STATUS_LIST);
/** The rest: a case in one of these is open. An index on status can find them (`status = ANY(…)`); a NOT can only filter every row. */
export const OPEN_CASE_STATUS_LIST: readonly CaseStatusCode[] = CASE_STATUSES.filter((s) => !CLOSED_CASE_STATUSES.has(s));
