/**
 * Kafka → pipeline → database with a real broker: batches with poison messages,
 * redelivery, a broker crash mid-consumption, and two ingest processes in one group.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { loadSettings, REPO_ROOT } from '@watchfloor/config/settings';
import { startRuntime, type Runtime } from '@watchfloor/ingest/runtime';
import pg from 'pg';
import { call } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { waitFor } from '../support/wait';

const quiet = { logLevel: logLevel.NOTHING };

function settingsFor(brokers: string[], dbUrl: string, prefix: string) {
  return loadSettings({
    KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}ingest`,
    DATABASE_URL: dbUrl, PHONE_HASH_KEY: 'kafka-test-key-0123456789', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wf-kafka-')),
    SIMULATE: '0', TZ_CENTER: 'Asia/Shanghai',
  });
}

async function producerFor(brokers: string[]): Promise<Producer> {
  const p = new Kafka({ clientId: 'test-producer', brokers, ...quiet, retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 3000 } })
    .producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await p.connect();
  return p;
}

async function countCalls(url: string, ids?: string[]): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = ids
      ? await c.query('SELECT count(*)::int AS n FROM calls WHERE id = ANY($1)', [ids])
      : await c.query('SELECT count(*)::int AS n FROM calls');
    return r.rows[0].n as number;
  } finally {
    await c.end();
  }
}

describe('kafka ingest (shared broker)', () => {
  let broker: KafkaBroker | null = null;
  let brokers: string[];
  let db: TempDatabase;
  let rt: Runtime;
  let producer: Producer;
  const prefix = `t${crypto.randomBytes(3).toString('hex')}.`;

  before(async () => {
    if (process.env.TEST_KAFKA_BROKERS) brokers = process.env.TEST_KAFKA_BROKERS.split(',');
    else { broker = await startKafka(); brokers = broker.brokers; }
    db = await createTempDatabase('kafka');
    rt = await startRuntime(settingsFor(brokers, db.url, prefix), { consume: true, log: () => undefined });
    producer = await producerFor(brokers);
  });
  after(async () => {
    await producer?.disconnect();
    await rt?.stop();
    await db?.drop();
    await broker?.stop();
  });

  test('a batch with poison messages: the rest stored, dead letters in table and topic', async () => {
    const good = Array.from({ length: 300 }, () => call());
    const messages = good.map((c) => ({ key: c.id, value: JSON.stringify(c) }));
    messages.splice(150, 0, { key: 'bad-1', value: '{"id": "oops"' });
    messages.splice(200, 0, { key: 'bad-2', value: JSON.stringify({ ...call(), priority: 9 }) });
    await producer.send({ topic: `${prefix}police.calls`, messages });
    const ids = good.map((c) => c.id);
    await waitFor('300 calls stored', () => countCalls(db.url, ids), (n) => n === 300);
    const letters = await rt.db.query<{ reason: string; source: string }>("SELECT reason, source FROM dead_letters WHERE topic = 'police.calls' ORDER BY id");
    assert.equal(letters.rows.length, 2);
    assert.ok(letters.rows.every((l) => l.source === 'kafka'));
    assert.match(letters.rows[0]!.reason, /not JSON/);
    assert.match(letters.rows[1]!.reason, /priority/);

    const consumer = new Kafka({ clientId: 'dlq-reader', brokers, ...quiet }).consumer({ groupId: `${prefix}dlq-reader`, maxWaitTimeInMs: 100 });
    const seen: { reason: string; topic: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}deadletters`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(JSON.parse(message.value!.toString())); } });
    await waitFor('2 dead letters on the topic', async () => seen.length, (n) => n >= 2, 30_000);
    await consumer.disconnect();
    assert.deepEqual(seen.map((s) => s.topic), ['police.calls', 'police.calls']);

    // Redelivery of the whole batch is a no-op.
    const before = rt.pipeline.stats().duplicates;
    await producer.send({ topic: `${prefix}police.calls`, messages: good.map((c) => ({ key: c.id, value: JSON.stringify(c) })) });
    await waitFor('redelivered batch seen as duplicates', async () => rt.pipeline.stats().duplicates - before, (n) => n === 300);
    assert.equal(await countCalls(db.url, ids), 300);

    const h = await rt.health();
    assert.equal(h.status, 'ok');
    assert.equal(h.bus.mode, 'kafka');
    const lag = await waitFor('lag to drain', async () => (await rt.health()).bus.lag ?? {}, (l) => Object.values(l).every((n) => n === 0), 20_000);
    assert.equal(lag[`${prefix}police.calls`], 0);
  });

  test('two `npm run ingest` processes in one group store every event exactly once', async () => {
    const prefix2 = `${prefix}pair.`;
    const db2 = await createTempDatabase('kafka_pair');
    const env = {
      ...process.env, KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix2, KAFKA_GROUP_ID: `${prefix2}ingest`,
      DATABASE_URL: db2.url, PHONE_HASH_KEY: 'kafka-test-key-0123456789', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pair-')),
      // Two processes on one host: each takes a free metrics port.
      METRICS_PORT: '0',
    };
    const procs: ChildProcess[] = [];
    const logs: string[] = ['', ''];
    try {
      for (let i = 0; i < 2; i++) {
        const p = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'ingest/src/main.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        p.stdout!.on('data', (d: Buffer) => { logs[i] += d.toString(); });
        p.stderr!.on('data', (d: Buffer) => { logs[i] += d.toString(); });
        p.once('exit', (code) => { if (code !== null && code !== 0) logs[i] += `\n(exited with ${code})`; });
        procs.push(p);
      }
      await waitFor('both ingest processes consuming', async () => {
        if (logs.some((l) => l.includes('(exited'))) throw new Error(`an ingest process died:\n${logs.join('\n---\n')}`);
        return logs.filter((l) => l.includes('[ingest] consuming')).length;
      }, (n) => n === 2, 60_000).catch((err: Error) => { throw new Error(`${err.message}\n${logs.join('\n---\n')}`); });
      const good = Array.from({ length: 1500 }, () => call());
      for (let i = 0; i < good.length; i += 300) {
        await producer.send({ topic: `${prefix2}police.calls`, messages: good.slice(i, i + 300).map((c) => ({ key: c.id, value: JSON.stringify(c) })) });
      }
      await waitFor('1500 calls stored', () => countCalls(db2.url), (n) => n === 1500, 60_000);
      assert.equal(await countCalls(db2.url, good.map((c) => c.id)), 1500);
    } finally {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
      await db2.drop();
    }
  });
});

describe('kafka ingest across a broker crash', () => {
  let broker: KafkaBroker;
  let db: TempDatabase;
  let rt: Runtime;
  let producer: Producer;

  before(async () => {
    broker = await startKafka();
    db = await createTempDatabase('crash');
    rt = await startRuntime(settingsFor(broker.brokers, db.url, 'crash.'), { consume: true, log: () => undefined });
    producer = await producerFor(broker.brokers);
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await rt?.stop();
    await db?.drop();
    await broker?.stop();
  });

  test('no event is lost or stored twice when the broker is killed mid-stream', async () => {
    const events = Array.from({ length: 4000 }, () => call());
    const send = (from: number, to: number) => producer.send({
      topic: 'crash.police.calls', acks: -1,
      messages: events.slice(from, to).map((c) => ({ key: c.id, value: JSON.stringify(c) })),
    });
    for (let i = 0; i < 2000; i += 250) await send(i, i + 250);
    await waitFor('consumption under way', () => countCalls(db.url), (n) => n > 0, 30_000, 20);
    await broker.kill();
    await new Promise((r) => setTimeout(r, 1000));
    await broker.restart();
    for (let i = 2000; i < 4000; i += 250) await send(i, i + 250);
    await waitFor('all 4000 calls stored', () => countCalls(db.url), (n) => n >= 4000, 120_000);
    await new Promise((r) => setTimeout(r, 1500)); // room for any doubled delivery to show up
    assert.equal(await countCalls(db.url), 4000);
    assert.equal(await countCalls(db.url, events.map((e) => e.id)), 4000);
    const inc = await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    assert.equal(inc.rows[0]!.n, 4000);
  });
});
