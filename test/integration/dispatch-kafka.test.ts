/**
 * The outbound command on the real broker: in deployed mode (DATABASE_URL + KAFKA_BROKERS,
 * KAFKA_TOPIC_PREFIX), an assignment through the API is produced to `<prefix>dispatch.commands`
 * keyed by the incident id. A kafkajs consumer of that topic receives exactly one command,
 * naming the incident, the unit and the dispatcher, with no phone number and no summary in it.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { call, uid } from '../support/events';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { budget, waitFor } from '../support/wait';
import { CLEAR_MOBILE } from '../support/privacy';

const ADMIN = 'dk-admin-token';
const INGEST = 'dk-ingest-token';
const DUTY = { name: 'duty-k', password: 'duty-k-password-1' };
const PHONE = '13877776666';
const SUMMARY = '两户因宅基地争吵，一方持械';

describe('assignment produced to dispatch.commands on the real Kafka broker', () => {
  let broker: KafkaBroker | null = null;
  let db: TempDatabase;
  let web: RunningServer;
  let consumer: Consumer;
  const received: Array<{ key: string | null; value: string }> = [];
  const prefix = `dk${crypto.randomBytes(3).toString('hex')}.`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-dk-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });

  const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const post = async (topic: string, items: unknown[]) => {
    const r = await fetch(`${web.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    assert.equal((JSON.parse(text) as { rejected: unknown[] }).rejected.length, 0, text);
  };

  before(async () => {
    const brokers = process.env.TEST_KAFKA_BROKERS ? process.env.TEST_KAFKA_BROKERS.split(',') : (broker = await startKafka()).brokers;
    db = await createTempDatabase('dispatch_kafka');
    web = await startServer({
      KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}web`, DATABASE_URL: db.url, DB_FLAVOR: 'postgres',
      PHONE_HASH_KEY: 'dk-phone-hash-key', ADMIN_TOKEN: ADMIN, INGEST_TOKEN: INGEST, WALL_TOKEN: 'dk-wall-token',
      DATA_DIR: dataDir, RULES_DIR: rulesDir, SIMULATE: '0', METRICS_PORT: '0', LOGIN_RATE_LIMIT: '100',
    });
    // The web process made the prefixed topics at start: the consumer joins from the beginning.
    consumer = new Kafka({ clientId: 'dk-test', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${prefix}field-test` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}dispatch.commands`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { received.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' }); } });
    const r = await fetch(`${web.url}/api/users`, { method: 'POST', ...json({ name: DUTY.name, role: 'dispatcher', password: DUTY.password }, { authorization: `Bearer ${ADMIN}` }) });
    assert.equal(r.status, 201, await r.text());
  });
  after(async () => {
    await consumer?.disconnect();
    await web?.stop();
    await db?.drop();
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('one command, keyed by the incident, naming incident, unit and dispatcher; no phone, no summary', async () => {
    const login = await fetch(`${web.url}/api/auth/login`, { method: 'POST', ...json({ username: DUTY.name, password: DUTY.password }) });
    assert.equal(login.status, 200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!;

    const c = call({ id: uid('C'), receivedAt: new Date(Date.now() - 3000).toISOString(), priority: 1, category: 'dispute.land', summary: SUMMARY, callerPhone: PHONE });
    await post('police.calls', [c]);
    const unit = tongguan().units[0]!;
    await post('unit.status', [{ unitId: unit.id, at: new Date(Date.now() - 1000).toISOString(), status: 'available', position: { lon: unit.lon, lat: unit.lat } }]);
    const a = await fetch(`${web.url}/api/incidents/${c.id}/assign`, {
      method: 'POST', ...json({ unitId: unit.id, instruction: `到场后回电 ${PHONE}` }, { cookie, 'x-csrf-token': csrfToken }),
    });
    assert.equal(a.status, 200, await a.clone().text());
    const { dispatchId } = (await a.json()) as { dispatchId: string };

    const mine = () => received.filter((m) => m.value.includes(c.id));
    await waitFor('the command on the topic', async () => mine().length, (n) => n >= 1, 30_000, 100);
    // Anything produced twice would follow within moments: wait a little for a second copy.
    await new Promise((r) => setTimeout(r, budget(1000)));
    assert.equal(mine().length, 1, 'exactly one command');
    const m = mine()[0]!;
    assert.equal(m.key, c.id, 'keyed by the incident id');
    const cmd = JSON.parse(m.value) as { id: string; incidentId: string; unitId: string; by: string; at: string; instruction?: string };
    assert.equal(cmd.id, dispatchId);
    assert.equal(cmd.incidentId, c.id);
    assert.equal(cmd.unitId, unit.id);
    assert.equal(cmd.by, DUTY.name);
    assert.ok(!Number.isNaN(Date.parse(cmd.at)));
    assert.doesNotMatch(m.value, CLEAR_MOBILE, 'no clear phone number, not even one typed into the instruction');
    assert.ok(!m.value.includes(SUMMARY), 'no summary');
    assert.ok(cmd.instruction?.includes('到场后回电'), 'the instruction is kept, its number masked');
  });
});
