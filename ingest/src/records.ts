/**
 * What flows between the stages (sources → pipeline → store → rules, live, warnings): a
 * leaf module, so every stage imports it without an edge back into another stage.
 */
import { identityOf, timeOf, type EventOf, type RejectionCode, type Topic } from '@watchfloor/config/contracts';

/** One message as a source hands it over: bytes from Kafka, text from HTTP/NDJSON, objects from the bus. */
export interface RawMessage {
  value: Buffer | string | unknown;
  /** Its position as the sender counts it (an NDJSON line number); default: its place in the batch. */
  index?: number;
}

export type SourceName = 'kafka' | 'bus' | 'http' | 'replay';

export interface Rejection {
  index: number;
  /** Low-cardinality, for metrics. */
  code: RejectionCode;
  /** For people; may echo input (phones masked). */
  reason: string;
}

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

/** Region codes resolved for an event's location. */
export interface Placement {
  gridId: string | null;
  villageCode: string | null;
  townCode: string | null;
}

export interface CallRecord { topic: 'police.calls'; event: EventOf<'police.calls'>; place: Placement; callerHash: string | null; callerMasked: string | null }
export interface AlertRecord { topic: 'camera.alerts'; event: EventOf<'camera.alerts'>; place: Placement; lon: number; lat: number }
export interface CaseRecord { topic: 'case.status'; event: EventOf<'case.status'>; place: Placement }
export interface UnitRecord { topic: 'unit.status'; event: EventOf<'unit.status'> }
export interface DispatchRecord { topic: 'dispatch.commands'; event: EventOf<'dispatch.commands'> }

export type RecordOf<T extends Topic> = Extract<StoredRecord, { topic: T }>;
export type StoredRecord = CallRecord | AlertRecord | CaseRecord | UnitRecord | DispatchRecord;

/** Records that were new to the store (redeliveries excluded): what rules and deltas see. */
export interface StoredBatch<T extends Topic = Topic> {
  topic: T;
  records: RecordOf<T>[];
  source: SourceName;
  /**
   * Records of the batch the store held already. From Kafka these are a redelivery: the
   * process that stored them may have died before it passed them on (its wall delta), so
   * the wall deltas pass them on again (live/wall-deltas.ts). Rules never see them twice.
   */
  again?: RecordOf<T>[];
}

/** The event time of a stored record (canonical UTC ISO, ms). */
export function recordTime(r: StoredRecord): string {
  return timeOf(r.topic, r.event);
}

/** The identity of a stored record within its topic; equal keys are the same event delivered again. */
export function recordKey(r: StoredRecord): string {
  return identityOf(r.topic, r.event);
}
