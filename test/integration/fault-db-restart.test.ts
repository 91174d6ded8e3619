/**
 * Fault: the database stopped and restarted while events stream in (deployed mode: Kafka →
 * `npm run ingest` → PostgreSQL, and a web process reading the same database). The cluster is
 * the test's own (test/support/pg-cluster.ts), never the machine's shared service.
 * Meanwhile /api/health names the store as down; afterwards every produced call is stored once.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { Tick } from '@watchfloor/config/wall';
import { startIngest, type IngestProcess } from '../support/deployed';
import { call } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startPgCluster, type PgCluster } from '../support/pg-cluster';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const TOKEN = 'fault-db-wall-token';

describe('fault: the database stops and restarts mid-stream', () => {
  let broker: KafkaBroker | null = null;
  let cluster: PgCluster;
  let ingest: IngestProcess;
  let web: RunningServer;
  let producer: Producer;
  const prefix = `fdb${crypto.randomBytes(3).toString('hex')}.`;

  before(async () => {
    const brokers = process.env.TEST_KAFKA_BROKERS ? process.env.TEST_KAFKA_BROKERS.split(',') : (broker = await startKafka()).brokers;
    cluster = await startPgCluster();
    const env = {
      KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}ingest`, DATABASE_URL: cluster.url,
      PHONE_HASH_KEY: 'fault-db-hash-key-0123456789', WALL_TOKEN: TOKEN, INGEST_TOKEN: 'fault-db-ingest-token',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wf-fdb-')), SIMULATE: '0', RULES: '0', METRICS_PORT: '0',
    };
    ingest = await startIngest(env);
    web = await startServer(env);
    producer = new Kafka({ clientId: 'fdb-test', brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await web?.stop();
    if (ingest) await ingest.stop();
    cluster?.destroy();
    await broker?.stop();
  });

  test('ingest pauses while the store is down, then stores every call exactly once', async () => {
    const health = async () => {
      const r = await fetch(`${web.url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { code: r.status, body: (await r.json()) as { status: string; failing?: string[]; db?: { ok: boolean; error?: string } } };
    };
    assert.equal((await health()).code, 200);
    // A wall client: its ticks say what the server cannot reach (the screen's 数据中断 and why).
    const ticks: Tick[] = [];
    const wall = io(web.url, { auth: { token: TOKEN }, query: { token: TOKEN }, transports: ['websocket'] });
    wall.on('connect', () => wall.emit('hello', {}));
    wall.on('tick', (t: Tick) => ticks.push(t));
    const ids: string[] = [];
    let producing = true;
    // A steady stream of 20 calls every 200 ms for the whole test: before, during and after the outage.
    const stream = (async () => {
      while (producing) {
        const batch = Array.from({ length: 20 }, () => call({ receivedAt: new Date().toISOString() }));
        await producer.send({ topic: `${prefix}police.calls`, messages: batch.map((c) => ({ key: c.id, value: JSON.stringify(c) })) });
        ids.push(...batch.map((c) => c.id));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const stored = async () => {
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      try {
        const { rows } = await c.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM calls');
        return rows[0]!;
      } finally { await c.end(); }
    };
    await waitFor('some calls stored before the outage', stored, (s) => s.n > 40, 30_000);
    cluster.stop();
    const down = await waitFor('/api/health naming the store as down', health, (h) => h.code === 503 && (h.body.failing ?? []).includes('db'), 30_000);
    assert.equal(down.body.db?.ok, false);
    assert.ok(down.body.db?.error, 'the health says why the store is down');
    const outageAt = Date.now();
    await waitFor('a wall tick naming the store as down', async () => ticks.at(-1), (t) => (t?.down ?? []).includes('store'), 30_000);
    // At least ten seconds of outage while producing goes on.
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - outageAt))));
    assert.equal(ingest.running(), true, `ingest stays up while the store is down\n${ingest.output().slice(-3000)}`);
    cluster.start();
    await new Promise((r) => setTimeout(r, 3_000));
    producing = false;
    await stream;
    const produced = ids.length;
    const s = await waitFor(`all ${produced} produced calls stored`, stored, (x) => x.n >= produced, 90_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${ingest.output().slice(-3000)}`); });
    assert.equal(s.n, produced, 'nothing stored twice');
    assert.equal(s.d, produced, 'nothing lost');
    const c = new pg.Client({ connectionString: cluster.url });
    await c.connect();
    const { rows } = await c.query<{ id: string }>('SELECT id FROM calls');
    await c.end();
    const got = new Set(rows.map((r) => r.id));
    assert.deepEqual(ids.filter((id) => !got.has(id)), [], 'every produced call is there');
    await waitFor('/api/health up again', health, (h) => h.code === 200, 30_000);
    await waitFor('wall ticks with nothing down again', async () => ticks.at(-1), (t) => t !== undefined && (t.down ?? []).length === 0, 30_000);
    wall.close();
    assert.equal(web.output().includes('Unhandled') || web.output().includes('uncaught'), false, 'the web process did not crash');
    console.log(`[fault-db] produced ${produced}, stored ${s.n} distinct ${s.d}`);
  });
});
