/**
 * Deployed mode: a web instance that starts while deltas flow misses none of them. Calls are
 * stored and their deltas produced to the real Kafka broker continuously while a wall hub
 * starts (subscribing through the Kafka sink, loading its snapshot from PostgreSQL): every
 * call stored ends up on the hub's wall, none twice. It used to subscribe after loading, from
 * the topic's "latest", which Kafka resolves only when the new group first fetches.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '@watchfloor/ingest/kafka/client';
import { kafkaPublisher } from '@watchfloor/ingest/kafka/publisher';
import { kafkaDeltaSink, WALL_DELTA_TOPIC } from '@watchfloor/ingest/live/delta-sink';
import { toWallDelta } from '@watchfloor/ingest/live/wall-deltas';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { Publisher } from '@watchfloor/ingest/sources/source';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { startWallHub, type WallHub } from '../../web/src/server/live/wall-hub';
import { call } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan, tongguanGrids } from '../support/region';
import { waitFor } from '../support/wait';

const TZ = 'Asia/Shanghai';
let broker: KafkaBroker | null = null;
let kafka: Kafka;
let publisher: Publisher;
let tmp: TempDatabase;
let db: Db;
const prefix = `sink${crypto.randomBytes(3).toString('hex')}.`;

before(async () => {
  let brokers: string[];
  if (process.env.TEST_KAFKA_BROKERS) brokers = process.env.TEST_KAFKA_BROKERS.split(',');
  else { broker = await startKafka(); brokers = broker.brokers; }
  kafka = createKafka({ brokers, clientId: 'delta-sink-test' });
  await ensureTopics(kafka, [prefix + WALL_DELTA_TOPIC]);
  publisher = await kafkaPublisher(kafka, prefix);
  tmp = await createTempDatabase('delta_sink');
  db = await openPg(tmp.url, 'auto', 2);
  await migrate(db, { tz: TZ });
});
after(async () => {
  await publisher?.close();
  await db?.close();
  await tmp?.drop();
  await broker?.stop();
});

test('deltas produced while a web instance starts all reach it, none twice', async () => {
  const log = (l: string) => { if (!l.includes('dead-lettered')) console.log(l); };
  const sink = kafkaDeltaSink(kafka, publisher, { topicPrefix: prefix, groupPrefix: `${prefix}g`, log });
  const pipeline = createPipeline({ db, ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('delta-sink-test-key-0123') }, log });
  pipeline.onStored((b) => sink.publish(toWallDelta(b)));

  const stored: string[] = [];
  let hub: WallHub | null = null;
  let starting: Promise<WallHub> | null = null;
  // Stored, then produced, every 25 ms for 3 s; the hub starts after the first ~0.5 s.
  const t0 = Date.now();
  while (Date.now() - t0 < 3000) {
    const calls = Array.from({ length: 4 }, () => call({ receivedAt: new Date().toISOString() }));
    await pipeline.process('police.calls', calls.map((value) => ({ value })), 'http');
    stored.push(...calls.map((c) => c.id));
    if (!starting && Date.now() - t0 > 500) starting = startWallHub({ db, region: tongguan(), tz: TZ, deltas: sink, log, figuresEveryMs: 3_600_000 });
    await new Promise((r) => setTimeout(r, 25));
  }
  hub = await starting!;
  try {
    const onWall = () => hub!.snapshot().incidents.map((c) => c.id);
    await waitFor('every stored call on the wall', async () => onWall(), (ids) => stored.every((id) => ids.includes(id)), 30_000, 100)
      .catch((err: Error) => {
        const ids = new Set(onWall());
        throw new Error(`${err.message}: ${stored.filter((id) => !ids.has(id)).length} of ${stored.length} missing`);
      });
    const ids = onWall();
    assert.equal(new Set(ids).size, ids.length, 'no call twice');
    // Counted once too: a delta the snapshot already reflected adds nothing (unless midnight fell inside the run).
    const f = hub.snapshot().figures;
    if (t0 >= f.dayStart) assert.equal(f.callsToday, stored.length);
  } finally {
    await hub.stop();
  }
});

test('deltas reach a web instance in the order they were published (a case closed stays closed)', async () => {
  const sink = kafkaDeltaSink(kafka, publisher, { topicPrefix: prefix, groupPrefix: `${prefix}o`, log: () => undefined });
  const got: string[] = [];
  const sub = await sink.subscribe((b) => { if (b.type === 'cases') got.push(b.items.map((c) => `${c.caseId}:${c.status}`).join()); });
  const sent: string[] = [];
  try {
    // One case's changes, one delta each, as a process publishes them batch after batch.
    const statuses = ['registered', 'mediating', 'escalated', 'mediating', 'resolved', 'closed'] as const;
    for (let k = 0; k < 8; k++) {
      for (const [i, status] of statuses.entries()) {
        const item = { caseId: `ORD-${k}`, t: Date.now() + i, status, level: 'grid' as const, risk: 'blue' as const, gridId: 'g' };
        await sink.publish({ type: 'cases', items: [item] });
        sent.push(`${item.caseId}:${status}`);
      }
    }
    await waitFor('every delta received', async () => got.length, (n) => n >= sent.length, 30_000, 50);
    assert.deepEqual(got, sent);
  } finally {
    await sub.stop();
  }
});
