/**
 * The event contracts (DESIGN.md §3): one zod schema per Kafka topic. Ingest, web,
 * simulator, replay and tests all import these; nothing declares its own copy.
 */
import { z } from 'zod';
import { GridId } from '../region/schema';
import {
  AlertType, CallCategory, CallSource, CaseCategory, CaseKind, CaseLevel, CaseStatusCode, Risk, UnitStatusCode,
} from './codes';
import { storable } from './storable';

/**
 * ISO-8601 with an explicit offset (a time without one is ambiguous across the center's TZ
 * and UTC servers), normalised here, once, to the canonical UTC form at millisecond
 * precision: the stored value, the identity key and the rules then agree on one instant
 * (PostgreSQL would keep microseconds that JavaScript cannot, and two spellings of one
 * instant would be two keys). What PostgreSQL cannot hold is refused with a reason.
 */
export const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time with offset' })
  .superRefine((t, ctx) => {
    const problem = storable.timeProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { rejection: 'unstorable' } });
  })
  .transform((t) => new Date(t).toISOString());
const Id = z.string().min(1).max(128);
const Lon = z.number().finite().min(-180).max(180);
const Lat = z.number().finite().min(-90).max(90);
export const Point = z.object({ lon: Lon, lat: Lat });

export const PoliceCall = z.object({
  id: Id,
  receivedAt: IsoTime,
  category: CallCategory,
  priority: z.number().int().min(1).max(3),
  summary: z.string().max(2000),
  location: z.object({ lon: Lon, lat: Lat, address: z.string().max(500).optional() }),
  gridId: GridId.optional(),
  callerPhone: z.string().regex(/^\+?[0-9][0-9 -]{2,23}$/, 'callerPhone must be digits').optional(),
  source: CallSource.optional(),
});
export type PoliceCall = z.infer<typeof PoliceCall>;

export const CameraAlert = z.object({
  id: Id,
  cameraId: Id,
  occurredAt: IsoTime,
  type: AlertType,
  confidence: z.number().min(0).max(1),
  snapshotUrl: z.string().max(2000).optional(),
  location: Point.optional(),
});
export type CameraAlert = z.infer<typeof CameraAlert>;

export const CaseStatus = z.object({
  caseId: Id,
  changedAt: IsoTime,
  kind: CaseKind,
  category: CaseCategory,
  status: CaseStatusCode,
  level: CaseLevel,
  risk: Risk,
  gridId: GridId,
  assignee: z.string().max(128).optional(),
  note: z.string().max(2000).optional(),
  relatedCallId: Id.optional(),
});
export type CaseStatus = z.infer<typeof CaseStatus>;

export const UnitStatus = z.object({
  unitId: Id,
  at: IsoTime,
  status: UnitStatusCode,
  position: Point.optional(),
  incidentId: Id.optional(),
});
export type UnitStatus = z.infer<typeof UnitStatus>;

export const DispatchCommand = z.object({
  id: Id,
  incidentId: Id,
  unitId: Id,
  by: z.string().min(1).max(128),
  at: IsoTime,
  instruction: z.string().max(2000).optional(),
});
export type DispatchCommand = z.infer<typeof DispatchCommand>;

export const TOPIC_SCHEMAS = {
  'police.calls': PoliceCall,
  'camera.alerts': CameraAlert,
  'case.status': CaseStatus,
  'unit.status': UnitStatus,
  'dispatch.commands': DispatchCommand,
} as const;
export type Topic = keyof typeof TOPIC_SCHEMAS;
export const TOPICS = Object.keys(TOPIC_SCHEMAS) as Topic[];
export type EventOf<T extends Topic> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;
export type AnyEvent = { [T in Topic]: { topic: T; value: EventOf<T> } }[Topic];

export function isTopic(name: string): name is Topic {
  return Object.prototype.hasOwnProperty.call(TOPIC_SCHEMAS, name);
}

/** Where rejected messages go, with their reason: never dropped silently. */
export const DEAD_LETTER_TOPIC = 'deadletters';

/** A line of a replay file (NDJSON). */
export const ReplayLine = z.object({ topic: z.string(), value: z.unknown() });
