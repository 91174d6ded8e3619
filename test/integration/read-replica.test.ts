/**
 * DATABASE_READ_URL: the summary figures read from the replica. The "replica" here is a
 * second database holding other rows than the primary, so where a read went is visible.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { loadSettings } from '@watchfloor/config/settings';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import { startRuntime, type Runtime } from '@watchfloor/ingest/runtime';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { statsRoute } from '../../web/src/server/api/stats-route';
import { call } from '../support/events';
import { createTempDatabase } from '../support/postgres';
import { tongguan, tongguanGrids } from '../support/region';

const cleanups: (() => Promise<void>)[] = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

async function summaryOver(rt: Runtime): Promise<{ calls: { total: number } }> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  statsRoute(app, { settings: rt.settings, runtime: () => rt, startFailed: () => false, onWarningChanged: () => undefined });
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const res = await app.inject({ url: `/api/stats/summary?from=${from}`, headers: { authorization: `Bearer ${rt.settings.WALL_TOKEN}` } });
  await app.close();
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('with DATABASE_READ_URL, /api/stats/summary reads the replica; without it, the primary', async () => {
  const primary = await createTempDatabase('read_primary');
  cleanups.push(primary.drop);
  const replica = await createTempDatabase('read_replica');
  cleanups.push(replica.drop);
  // Rows only the replica has.
  const rdb = await openPg(replica.url, 'auto', 2);
  await migrate(rdb, { tz: 'Asia/Shanghai' });
  const pipeline = createPipeline({
    db: rdb,
    ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('test-key-0123456789abcdef') },
    publishDeadLetters: async () => undefined,
    log: () => undefined,
  });
  const at = new Date(Date.now() - 600_000).toISOString();
  await pipeline.process('police.calls', [0, 1, 2].map(() => ({ value: call({ receivedAt: at }) })), 'bus');
  await rdb.close();

  const base = { DATABASE_URL: primary.url, PHONE_HASH_KEY: 'test-key-0123456789abcdef', RULES: '0', SIMULATE: '0', DATA_DIR: '/nonexistent-watchfloor-data' };
  const withReplica = await startRuntime(loadSettings({ ...base, DATABASE_READ_URL: replica.url }), { consume: false, log: () => undefined });
  cleanups.push(() => withReplica.stop());
  assert.equal((await summaryOver(withReplica)).calls.total, 3);

  const plain = await startRuntime(loadSettings(base), { consume: false, log: () => undefined });
  cleanups.push(() => plain.stop());
  assert.equal(plain.readDb, plain.db);
  assert.equal((await summaryOver(plain)).calls.total, 0);
});
