/**
 * Deployed mode: ingest instances publish what they stored as wall deltas to a Kafka topic,
 * and every web instance reads that topic itself (its own consumer group, from the newest
 * offset) and numbers the deltas for its own screens. So any number of web instances each
 * serve their browsers, and a delta reaches them whichever ingest instance stored it.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Kafka } from 'kafkajs';
import type { WallDeltaBody } from '@watchfloor/config/wall';
import type { Publisher } from '../sources/source';

export const WALL_DELTA_TOPIC = 'wall.deltas';

export function publishWallDelta(publisher: Publisher, body: WallDeltaBody): Promise<void> {
  return publisher.send(WALL_DELTA_TOPIC, [body]);
}

export async function consumeWallDeltas(kafka: Kafka, opts: { topicPrefix: string; groupPrefix: string; onBody: (b: WallDeltaBody) => void; log: (l: string) => void }) {
  // One group per web process: each must see every delta, and none needs another's offsets.
  const groupId = `${opts.groupPrefix}-web-${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20, minBytes: 1, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topicPrefix + WALL_DELTA_TOPIC, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      try {
        opts.onBody(JSON.parse(message.value.toString()) as WallDeltaBody);
      } catch (err) {
        opts.log(`[wall] bad delta message skipped: ${(err as Error).message}`);
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}
