import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Consumer, type LogEntry } from 'kafkajs';
import { startKafka, type KafkaBroker } from '../support/kafka';

// kafkajs' default console logger is multi-line JSON at INFO; keep only short WARN+ lines.
const quietLogCreator = () => (entry: LogEntry) => {
  if (entry.level > logLevel.WARN) return;
  // A group's first join races the broker creating __consumer_offsets; kafkajs retries it.
  if (/coordinator is not available/i.test(String(entry.log.error ?? ''))) return;
  const level = entry.level === logLevel.ERROR ? 'ERROR' : 'WARN';
  process.stderr.write(`[kafkajs ${level}] ${entry.namespace}: ${entry.log.message}\n`);
};

let broker: KafkaBroker;

before(async () => {
  const t0 = performance.now();
  broker = await startKafka();
  console.log(`kafka ready on ${broker.brokers.join(',')} in ${Math.round(performance.now() - t0)} ms`);
});

after(async () => {
  await broker?.stop();
});

function client(): Kafka {
  return new Kafka({
    clientId: 'kafka-harness-test',
    brokers: broker.brokers,
    logLevel: logLevel.WARN,
    logCreator: quietLogCreator,
  });
}

async function produce(kafka: Kafka, topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, i) => ({
      key: `k-${from + i}`,
      value: `m-${from + i}`,
    }));
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Consumes with group `groupId` until `expected` messages arrived, then leaves the group. */
async function consume(kafka: Kafka, topic: string, groupId: string, expected: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({
    groupId,
    // The broker's group.min.session.timeout.ms is 6 s; lower is rejected.
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  const received: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`got ${received.length}/${expected} messages from ${topic}`)),
        30_000,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push(message.value?.toString() ?? '');
            if (received.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    // Disconnecting commits the offsets resolved so far, which the second round relies on.
    await consumer.disconnect();
  }
  return received;
}

const range = (from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `m-${from + i}`);

test('produces and consumes across a broker restart', { timeout: 180_000 }, async () => {
  const topic = `harness-${Date.now()}`;
  const groupId = `${topic}-group`;

  let kafka = client();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  await produce(kafka, topic, 0, 100);
  const first = await consume(kafka, topic, groupId, 100);
  assert.deepEqual([...first].sort(), range(0, 100).sort());

  const t0 = performance.now();
  await broker.restart();
  console.log(`kafka restarted in ${Math.round(performance.now() - t0)} ms`);

  kafka = client();
  await produce(kafka, topic, 100, 50);
  // Same group: committed offsets survived the restart, so only the new 50 arrive...
  const second = await consume(kafka, topic, groupId, 50);
  assert.deepEqual([...second].sort(), range(100, 50).sort());

  // ...and the log itself kept all 150.
  const check = kafka.admin();
  await check.connect();
  const offsets = await check.fetchTopicOffsets(topic);
  await check.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  assert.equal(total, 150);
});
