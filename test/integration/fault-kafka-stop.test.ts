/**
 * Fault: the Kafka broker (one of the test's own) is stopped for 30 s and started again while a
 * producer keeps sending. Ingest is left alone: it must resume by itself, and every call the
 * broker acknowledged (acks=all) must be stored exactly once. Sends refused during the outage
 * are retried by the producer loop with the same events, as a real source would.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { loadSettings } from '@watchfloor/config/settings';
import { startRuntime, type Runtime } from '@watchfloor/ingest/runtime';
import pg from 'pg';
import { call } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { waitFor } from '../support/wait';

const OUTAGE_MS = 30_000;
const BATCH = 50;
const PREFIX = 'stop.';

let broker: KafkaBroker;
let db: TempDatabase;
let rt: Runtime;
let dataDir: string;

before(async () => {
  broker = await startKafka();
  db = await createTempDatabase('kafka_stop');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-kafka-stop-'));
  rt = await startRuntime(loadSettings({
    KAFKA_BROKERS: broker.brokers.join(','), KAFKA_TOPIC_PREFIX: PREFIX, KAFKA_GROUP_ID: `${PREFIX}ingest`,
    DATABASE_URL: db.url, PHONE_HASH_KEY: 'kafka-stop-test-key-0123456789', DATA_DIR: dataDir,
    SIMULATE: '0', TZ_CENTER: 'Asia/Shanghai',
  }), { consume: true, log: () => undefined });
});
after(async () => {
  await rt?.stop();
  await db?.drop();
  await broker?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function storedCounts(ids: string[]): Promise<{ rows: number; distinct: number; total: number }> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const r = await c.query<{ rows: number; distinct: number; total: number }>(
      'SELECT count(*) FILTER (WHERE id = ANY($1))::int AS rows, count(DISTINCT id) FILTER (WHERE id = ANY($1))::int AS distinct, count(*)::int AS total FROM calls',
      [ids],
    );
    return r.rows[0]!;
  } finally {
    await c.end();
  }
}

function producerFor(brokers: string[]): Producer {
  // Few retries per send, so a refused send returns to the loop, which tries again.
  return new Kafka({ clientId: 'stop-producer', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1000 } })
    .producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

test('broker stopped 30 s while producing: ingest resumes by itself, every acknowledged call stored once', async () => {
  const topic = `${PREFIX}police.calls`;
  const acked: string[] = [];
  const sent = new Set<string>();
  let refused = 0;
  let ackedDuringOutage = 0;
  let down = false;
  let producing = true;
  let producer = producerFor(broker.brokers);
  await producer.connect();

  const loop = (async () => {
    let pending = Array.from({ length: BATCH }, () => call());
    while (producing) {
      for (const c of pending) sent.add(c.id);
      try {
        await producer.send({ topic, acks: -1, messages: pending.map((c) => ({ key: c.id, value: JSON.stringify(c) })) });
        acked.push(...pending.map((c) => c.id));
        if (down) ackedDuringOutage += pending.length;
        pending = Array.from({ length: BATCH }, () => call());
      } catch {
        // Not acknowledged: it may or may not have reached the log. Same events again, so the
        // store's idempotence (not luck) is what keeps a partial write from being doubled.
        refused++;
        await producer.disconnect().catch(() => undefined);
        producer = producerFor(broker.brokers);
        await producer.connect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const t0 = Date.now();
  const phases: string[] = [];
  const mark = (what: string) => phases.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    await waitFor('ingest storing before the outage', async () => (await storedCounts(acked)).rows, (n) => n >= 500, 60_000);
    const ackedBefore = acked.length;
    mark('storing');
    await broker.halt();
    down = true;
    const stoppedAt = Date.now();
    // Meanwhile the health says the bus is what is down (the store is fine).
    const h = await waitFor('health names the bus', () => rt.health(), (x) => !x.bus.ok, 20_000, 500);
    assert.ok(h.db.ok, 'the store is not blamed for the broker');
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    mark('stopped');
    await broker.restart();
    mark('restarted');
    down = false;
    const ackedAtRestart = acked.length;
    await waitFor('producing again after the restart', async () => acked.length, (n) => n >= ackedAtRestart + 500, 60_000);
    mark('producing again');
    producing = false;
    await loop;

    const ids = [...acked];
    const counts = await waitFor('every acknowledged call stored', () => storedCounts(ids), (c) => c.rows === ids.length, 120_000, 500);
    mark('all stored');
    await new Promise((r) => setTimeout(r, 1500)); // room for a late doubled delivery to show
    const final = await storedCounts(ids);
    assert.equal(final.rows, ids.length, 'no acknowledged call lost or stored twice');
    assert.equal(final.distinct, ids.length);
    // Refused sends may have been written anyway; they were retried with the same ids, so
    // nothing beyond what was ever sent can be there.
    assert.ok(final.total <= sent.size, `${final.total} rows for ${sent.size} distinct calls sent`);
    assert.ok(refused > 0, 'the outage refused sends (the fault happened)');
    assert.equal(ackedDuringOutage, 0, 'nothing acknowledged by a stopped broker');
    assert.ok(acked.length > ackedBefore, 'calls acknowledged after the restart');
    await waitFor('health ok again', () => rt.health(), (x) => x.bus.ok && x.status === 'ok', 30_000, 500);
    await waitFor('lag drained', async () => (await rt.health()).bus.lag ?? {}, (l) => (l[topic] ?? -1) === 0, 30_000, 500);
    mark('lag 0');
    console.log(phases.join(', '));
    console.log(`kafka stop: ${acked.length} acknowledged (${ackedBefore} before, ${acked.length - ackedAtRestart} after), ${refused} refused sends, ${counts.rows} stored once, outage ${OUTAGE_MS / 1000} s`);
  } finally {
    producing = false;
    await loop.catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
});
