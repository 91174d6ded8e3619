/**
 * Where wall deltas go and where web instances hear them: one interface, two adapters.
 * Embedded, a delta goes straight to the subscribers of this process. Deployed, ingest
 * instances publish what they stored to a Kafka topic and every web instance reads that
 * topic itself (its own consumer group), so a delta reaches every screen whichever instance
 * stored it. Nothing else in the code knows which mode is in force.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Kafka } from 'kafkajs';
import { WallDeltaBody } from '@watchfloor/config/wall';
import type { Publisher } from '../sources/source';

export const WALL_DELTA_TOPIC = 'wall.deltas';

export type DeltaHandler = (body: WallDeltaBody) => void;

export interface DeltaSink {
  publish(body: WallDeltaBody): Promise<void>;
  /**
   * Delivers every delta published after this resolves (and maybe a few from just before:
   * the wall reducer is idempotent per item). Subscribe first, then load the snapshot, and
   * nothing stored while the snapshot loads can be missed.
   */
  subscribe(onBody: DeltaHandler): Promise<{ stop(): Promise<void> }>;
}

export function localDeltaSink(): DeltaSink {
  const handlers = new Set<DeltaHandler>();
  return {
    async publish(body) {
      for (const h of handlers) h(body);
    },
    async subscribe(onBody) {
      handlers.add(onBody);
      return { stop: async () => { handlers.delete(onBody); } };
    },
  };
}

export function kafkaDeltaSink(kafka: Kafka, publisher: Publisher, opts: { topicPrefix: string; groupPrefix: string; log: (l: string) => void }): DeltaSink {
  const topic = opts.topicPrefix + WALL_DELTA_TOPIC;
  return {
    // One key, so one partition: the web reads the deltas in the order each process published
    // them. Spread over partitions, a case's "closed" could be read before its "mediating"
    // and the screens would show it open again (the reducer drops closed cases).
    publish: async (body) => { await publisher.send(WALL_DELTA_TOPIC, [body], () => WALL_DELTA_TOPIC); },
    async subscribe(onBody) {
      // The topic's end as of now, fixed before the consumer joins: a new group's "latest"
      // is only resolved at its first fetch, and whatever is produced until then would be lost.
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
      // One group per web process: each must see every delta, and none needs another's offsets.
      const groupId = `${opts.groupPrefix}-web-${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20, minBytes: 1, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(message.value.toString());
          } catch {
            opts.log(`[wall] delta at offset ${message.offset} is not JSON: skipped`);
            return;
          }
          const body = WallDeltaBody.safeParse(parsed);
          if (!body.success) {
            opts.log(`[wall] delta at offset ${message.offset} does not match the wall contract (${body.error.issues[0]?.path.join('.') ?? '?'}: ${body.error.issues[0]?.message ?? '?'}): skipped`);
            return;
          }
          onBody(body.data);
        },
      });
      for (const p of ends) consumer.seek({ topic, partition: p.partition, offset: p.offset });
      return { stop: () => consumer.disconnect() };
    },
  };
}
