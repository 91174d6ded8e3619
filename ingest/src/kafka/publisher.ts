/** Publisher over a kafkajs producer: events keyed by their entity so each entity's events stay in order. */
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Publisher } from '../sources/source';

/**
 * Bytes of values per produce request. The broker refuses a record batch over its
 * message.max.bytes (1 MB by default) whole, and kafkajs puts all of a send's messages for
 * one partition into one batch: a few hundred dead letters with 64 KiB payloads were refused
 * so, every one of them. Sends are cut well below the limit, in order.
 */
export const SEND_MAX_BYTES = 512 * 1024;

/** Messages in runs of at most maxBytes of values (a single bigger message is a run of its own). */
export function sendRuns(messages: readonly Message[], maxBytes = SEND_MAX_BYTES): Message[][] {
  const runs: Message[][] = [];
  let run: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = m.value === null ? 0 : Buffer.byteLength(m.value);
    if (run.length && size + bytes > maxBytes) { runs.push(run); run = []; size = 0; }
    run.push(m);
    size += bytes;
  }
  if (run.length) runs.push(run);
  return runs;
}

export async function kafkaPublisher(kafka: Kafka, topicPrefix = ''): Promise<Publisher & { producer: Producer }> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  return {
    producer,
    async send(topic, values, keyOf) {
      if (values.length === 0) return;
      const messages = values.map((v) => ({ key: keyOf?.(v) ?? null, value: typeof v === 'string' ? v : JSON.stringify(v) }));
      for (const run of sendRuns(messages)) await producer.send({ topic: topicPrefix + topic, acks: -1, messages: run });
    },
    close: () => producer.disconnect(),
  };
}
