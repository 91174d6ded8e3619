/**
 * Kafka → pipeline. eachBatch hands whole fetches to the pipeline in chunks; a chunk's
 * offsets are committed only after its database transaction committed, so a crash or a
 * broker restart redelivers at most what was not yet stored — and redelivery is a no-op.
 * maxWaitTimeInMs is lowered from kafkajs' 5 s default, which would otherwise be the
 * latency floor of every quiet topic.
 */
import { TOPICS, isTopic } from '@watchfloor/config/contracts';
import type { Consumer, Kafka } from 'kafkajs';
import type { EventSource } from './source';

export interface KafkaSourceOptions {
  groupId: string;
  topicPrefix?: string;
  /** Largest chunk handed to the pipeline at once (one DB transaction). */
  chunkSize?: number;
  maxWaitTimeInMs?: number;
  fromBeginning?: boolean;
}

export function kafkaSource(kafka: Kafka, opts: KafkaSourceOptions): EventSource & { consumer: () => Consumer | null } {
  let consumer: Consumer | null = null;
  const chunkSize = opts.chunkSize ?? 5000;
  return {
    name: 'kafka',
    consumer: () => consumer,
    async start(handler) {
      consumer = kafka.consumer({
        groupId: opts.groupId,
        maxWaitTimeInMs: opts.maxWaitTimeInMs ?? 50,
        minBytes: 1,
        maxBytes: 16 * 1024 * 1024,
        maxBytesPerPartition: 4 * 1024 * 1024,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
      });
      await consumer.connect();
      const prefix = opts.topicPrefix ?? '';
      await consumer.subscribe({ topics: TOPICS.map((t) => prefix + t), fromBeginning: opts.fromBeginning ?? true });
      const c = consumer;
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 2,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const topic = batch.topic.slice(prefix.length);
          if (!isTopic(topic)) return;
          const msgs = batch.messages;
          for (let i = 0; i < msgs.length; i += chunkSize) {
            if (!isRunning() || isStale()) return;
            const chunk = msgs.slice(i, i + chunkSize);
            await handler(topic, chunk.map((m) => ({ value: m.value })), 'kafka');
            const last = chunk[chunk.length - 1]!.offset;
            resolveOffset(last);
            await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      if (consumer) await consumer.disconnect();
      consumer = null;
    },
  };
}

/** Messages not yet committed by the group, per topic (health and benchmarks). */
export async function consumerLag(kafka: Kafka, groupId: string, topicPrefix = '', topics: readonly string[] = TOPICS.map((t) => topicPrefix + t)): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: Record<string, number> = {};
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const committed = await admin.fetchOffsets({ groupId, topics: present });
    for (const t of present) {
      const ends = await admin.fetchTopicOffsets(t);
      const done = committed.find((c) => c.topic === t)?.partitions ?? [];
      let lag = 0;
      for (const p of ends) {
        const c = done.find((d) => d.partition === p.partition);
        const committedOffset = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
        lag += Math.max(0, Number(p.high) - committedOffset);
      }
      out[t] = lag;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
