/**
 * One descriptor per topic: every fact about a topic that code elsewhere needs (its schema,
 * its event time, its identity, its partition key) is read from here, never spelled again
 * in a switch. Adding a topic is adding a descriptor.
 */
import { TOPIC_SCHEMAS, type AnyEvent, type EventOf, type Topic } from './events';

/** The fields an event's identity is made of, per topic (equal values are one event delivered again). */
interface IdentityFields {
  'police.calls': 'id';
  'camera.alerts': 'id';
  // case.status carries no event id: a change is identified by what changed and when.
  'case.status': 'caseId' | 'changedAt' | 'status' | 'level';
  'unit.status': 'unitId' | 'at';
  'dispatch.commands': 'id';
}
export type IdentityOf<T extends Topic> = Pick<EventOf<T>, Extract<IdentityFields[T], keyof EventOf<T>>>;

export interface TopicDescriptor<T extends Topic> {
  readonly topic: T;
  readonly schema: (typeof TOPIC_SCHEMAS)[T];
  /** The event-time field: windows, aggregates, replay and retention all run on it. */
  readonly timeField: keyof EventOf<T> & string;
  /** The event time, canonical UTC ISO at millisecond precision (validation normalised it). */
  time(e: EventOf<T>): string;
  /** The identity of an event within its topic: the store's keys and the rules' dedup. */
  identity(e: IdentityOf<T>): string;
  /** The entity whose events must stay in order: the Kafka partition key. */
  readonly partitionField: keyof EventOf<T> & string;
  /** The event's own id, quoted as evidence (null: the topic has none). */
  readonly idField: (keyof EventOf<T> & string) | null;
}

export const TOPIC_DESCRIPTORS: { readonly [T in Topic]: TopicDescriptor<T> } = {
  'police.calls': {
    topic: 'police.calls', schema: TOPIC_SCHEMAS['police.calls'],
    timeField: 'receivedAt', time: (e) => e.receivedAt,
    // An id is one event: a re-send with another receivedAt is the same call (the first one wins).
    identity: (e) => e.id,
    partitionField: 'id', idField: 'id',
  },
  'camera.alerts': {
    topic: 'camera.alerts', schema: TOPIC_SCHEMAS['camera.alerts'],
    timeField: 'occurredAt', time: (e) => e.occurredAt,
    identity: (e) => e.id,
    partitionField: 'cameraId', idField: 'id',
  },
  'case.status': {
    topic: 'case.status', schema: TOPIC_SCHEMAS['case.status'],
    timeField: 'changedAt', time: (e) => e.changedAt,
    identity: (e) => `${e.caseId}|${e.changedAt}|${e.status}|${e.level}`,
    partitionField: 'caseId', idField: null,
  },
  'unit.status': {
    topic: 'unit.status', schema: TOPIC_SCHEMAS['unit.status'],
    timeField: 'at', time: (e) => e.at,
    identity: (e) => `${e.unitId}|${e.at}`,
    partitionField: 'unitId', idField: null,
  },
  'dispatch.commands': {
    topic: 'dispatch.commands', schema: TOPIC_SCHEMAS['dispatch.commands'],
    timeField: 'at', time: (e) => e.at,
    identity: (e) => e.id,
    partitionField: 'incidentId', idField: 'id',
  },
};

/** The event time of a validated event of `topic`. */
export function timeOf<T extends Topic>(topic: T, value: EventOf<T>): string {
  return TOPIC_DESCRIPTORS[topic].time(value);
}

/** The identity key of a validated event of `topic`. */
export function identityOf<T extends Topic>(topic: T, value: IdentityOf<T>): string {
  return TOPIC_DESCRIPTORS[topic].identity(value);
}

/** The event-time field of each topic: windows, aggregates and replay all run on event time. */
export function eventTime(e: AnyEvent): string {
  return timeOf(e.topic, e.value);
}
