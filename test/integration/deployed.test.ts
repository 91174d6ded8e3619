/**
 * Deployed mode end to end: Kafka → `npm run ingest` → PostgreSQL, and the stored events
 * reaching a wall client of a separate web process (`npm start` with DATABASE_URL and
 * KAFKA_BROKERS) through the deltas topic.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { io, type Socket } from 'socket.io-client';
import type { WallDelta, WallState, WallWarning } from '@watchfloor/config/wall';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { someGrid } from '../support/events';
import { tongguan, tongguanGrids } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';

const HASH_KEY = 'deployed-test-key-0123456789';

/** Ten days of the simulated county, stored as ingest would have: the rules' baseline history. */
async function seedHistory(url: string): Promise<void> {
  const db = await openPg(url, 'auto', 2);
  await migrate(db, { tz: 'Asia/Shanghai' });
  const pipeline = createPipeline({ db, ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector(HASH_KEY) }, log: () => undefined });
  const model = new CountyModel(tongguan(), 7, 'Asia/Shanghai');
  const HOUR = 3_600_000;
  const now = Date.now();
  const byTopic = new Map<string, unknown[]>();
  for (let h = Math.floor(now / HOUR) - 240; h < Math.floor(now / HOUR) - 2; h++) {
    for (const e of model.eventsInHour(h, false)) byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e.event.value]);
  }
  for (const [topic, values] of byTopic) {
    for (let i = 0; i < values.length; i += 1000) await pipeline.process(topic as 'police.calls', values.slice(i, i + 1000).map((value) => ({ value })), 'replay');
  }
  await db.close();
}
import { startIngest, type IngestProcess } from '../support/deployed';
import { call } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

describe('deployed mode: Kafka, ingest process, web process', () => {
  let broker: KafkaBroker | null = null;
  let brokers: string[];
  let db: TempDatabase;
  let ingest: IngestProcess;
  let web: RunningServer;
  let producer: Producer;
  let client: Socket;
  const seen = new Set<string>();
  const wallWarnings = new Map<string, WallWarning>();
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const prefix = `dep${crypto.randomBytes(3).toString('hex')}.`;

  before(async () => {
    if (process.env.TEST_KAFKA_BROKERS) brokers = process.env.TEST_KAFKA_BROKERS.split(',');
    else { broker = await startKafka(); brokers = broker.brokers; }
    db = await createTempDatabase('deployed');
    await seedHistory(db.url);
    const env = {
      RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5',
      KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}ingest`, DATABASE_URL: db.url,
      PHONE_HASH_KEY: HASH_KEY, WALL_TOKEN: 'deployed-wall-token', INGEST_TOKEN: 'deployed-ingest-token',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wf-dep-')), SIMULATE: '0',
      // Any free port for the ingest process's /metrics: the default 9464 may be taken on a shared machine.
      METRICS_PORT: '0',
    };
    ingest = await startIngest(env, { ready: { what: 'ingest consuming, rules active', seen: (l) => l.includes('[ingest] consuming') && l.includes('[rules] rebuilt') } });
    web = await startServer(env);
    producer = new Kafka({ clientId: 'dep-test', brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    client = io(web.url, { auth: { token: 'deployed-wall-token' }, query: { token: 'deployed-wall-token' }, transports: ['websocket'] });
    let state: WallState | null = null;
    client.on('connect', () => client.emit('hello', {}));
    client.on('snapshot', (s: WallState) => { state = s; });
    const take = (d: WallDelta) => {
      if (d.type === 'calls') d.items.forEach((c) => seen.add(c.id));
      if (d.type === 'warnings') d.items.forEach((w) => wallWarnings.set(w.id, w));
    };
    client.on('delta', take);
    client.on('deltas', (ds: WallDelta[]) => ds.forEach(take));
    await waitFor('wall snapshot', async () => state, (s) => s !== null, 20_000);
  });
  after(async () => {
    client?.close();
    await producer?.disconnect();
    await web?.stop();
    if (ingest) await ingest.stop();
    await db?.drop();
    await broker?.stop();
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('health reports the server store and Kafka', async () => {
    const h = (await (await fetch(`${web.url}/api/health`, { headers: { authorization: 'Bearer deployed-wall-token' } })).json()) as { status: string; db: { kind: string }; bus: { mode: string; lag: Record<string, number> } };
    assert.equal(h.status, 'up');
    assert.equal(h.db.kind, 'server');
    assert.equal(h.bus.mode, 'kafka');
    assert.ok(`${prefix}police.calls` in h.bus.lag);
  });

  test('a call produced to Kafka reaches the wall of the web process', async () => {
    const c = call({ receivedAt: new Date().toISOString() });
    await producer.send({ topic: `${prefix}police.calls`, messages: [{ key: c.id, value: JSON.stringify(c) }] });
    await waitFor('the call on the wall', async () => seen.has(c.id), (x) => x, 30_000, 50);
  });

  test('a call posted to the web process is stored once and reaches the wall through Kafka too', async () => {
    const c = call({ receivedAt: new Date().toISOString() });
    const r = await fetch(`${web.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: 'Bearer deployed-ingest-token' }, body: JSON.stringify([c]) });
    assert.deepEqual(await r.json(), { accepted: 1, duplicates: 0, rejected: [] });
    await waitFor('the posted call on the wall', async () => seen.has(c.id), (x) => x, 30_000, 50);
  });

  test('a burst of calls produced to Kafka raises grid_surge, and the warning reaches the wall', async () => {
    const g = someGrid(60);
    const now = Date.now();
    const burst = Array.from({ length: 8 }, (_, i) => call({ receivedAt: new Date(now - (i + 1) * 45_000).toISOString(), location: { lon: g.point!.lon, lat: g.point!.lat } }));
    await producer.send({ topic: `${prefix}police.calls`, messages: burst.map((c) => ({ key: c.id, value: JSON.stringify(c) })) });
    // The burst may arrive over several batches: the warning is raised yellow at 4 calls and
    // turns red at 6, so wait for the wall to show its latest colour.
    const w = await waitFor('grid_surge on the wall, red', async () => [...wallWarnings.values()].find((x) => x.rule === 'grid_surge' && x.regionCode === g.props.code),
      (x) => x?.colour === 'red', 60_000, 100);
    assert.equal(w!.colour, 'red');
    const listed = (await (await fetch(`${web.url}/api/warnings?status=active`, { headers: { authorization: 'Bearer deployed-wall-token' } })).json()) as { id: string; rule: string }[];
    assert.ok(listed.some((x) => x.id === w!.id), 'the warning is stored and listed by the web process');
  });
});
