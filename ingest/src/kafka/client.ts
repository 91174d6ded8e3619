/**
 * kafkajs behind our own small interfaces (kafkajs is unmaintained since 2023; swapping
 * it for another client touches this folder only). Logging goes through one quiet
 * creator so broker reconnects do not flood the operator's console.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
}

export function createKafka(cfg: KafkaConfig): Kafka {
  return new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    logLevel: logLevel.ERROR,
    logCreator: () => ({ level, log }: LogEntry) => {
      const text = `${log.message}${log.error ? `: ${String(log.error)}` : ''}`;
      // Transient states kafkajs retries by itself; reported through /api/health, not the console.
      if (level <= logLevel.ERROR && !/rebalancing|coordinator is not available|Topic creation errors|Connection error|ECONNREFUSED|Broker not connected|closed connection/.test(text)) {
        console.warn(`[kafka] ${text}`);
      }
    },
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 20 },
    connectionTimeout: 3000,
  });
}

/** Retries a request that a just-created topic may refuse for a moment, for up to ~10 s. */
async function settled(request: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await request();
      return;
    } catch (err) {
      if (attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Creates the topics if missing so a fresh deployment needs no manual step. */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      try {
        await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions })) });
      } catch (err) {
        // Several instances starting together race to create the same topics: losing that
        // race is fine as long as the topics exist afterwards.
        const now = new Set(await admin.listTopics());
        if (!missing.every((t) => now.has(t))) throw err;
      }
      // A fresh broker says "created" before every partition answers for its leader: the
      // first offsets request (the delta sink's, at start) then failed with NOT_LEADER and took
      // the start down. Wait until each new topic answers one.
      for (const t of missing) await settled(() => admin.fetchTopicOffsets(t));
    }
  } finally {
    await admin.disconnect();
  }
}
