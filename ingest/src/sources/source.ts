/** What every source offers the pipeline: batches of raw messages per topic, in order. */
import type { Topic } from '@watchfloor/config/contracts';
import type { BatchOutcome, RawMessage, SourceName } from '../records';

export type BatchHandler = (topic: Topic, messages: readonly RawMessage[], source: SourceName) => Promise<BatchOutcome>;

export interface EventSource {
  readonly name: SourceName;
  start(handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
}

/** What the receiver said of a send, when it says (a server over HTTP does; a Kafka broker only takes the messages). */
export interface Delivery { accepted: number; duplicates: number; rejected: number }

/** Where producers (simulator, replay, dead letters, the web's dispatch commands) send events. */
export interface Publisher {
  send(topic: string, values: readonly unknown[], keyOf?: (v: unknown) => string | undefined): Promise<Delivery | void>;
  close(): Promise<void>;
}
