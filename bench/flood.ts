/**
 * `npm run bench:flood`: the valid-call rate while a flood of malformed messages shares the
 * topic, against a clean run of the same valid calls (Kafka → `npm run ingest`'s pipeline →
 * PostgreSQL, all on this machine). The goal (issue 11): the flood keeps the valid rate within
 * 20 % of clean. Clean and flood runs alternate, so drift of a shared machine falls on both.
 * BENCH_FLOOD_CALLS (3000 valid calls a run, as many malformed in a flood run), BENCH_RUNS (3).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { loadSettings } from '@watchfloor/config/settings';
import { startRuntime } from '@watchfloor/ingest/runtime';
import { call } from '../test/support/events';
import { startKafka } from '../test/support/kafka';
import { MALFORMED_KINDS, malformed } from '../test/support/malformed';
import { createTempDatabase } from '../test/support/postgres';
import { median, writeResult } from './lib/results';

const N = Number(process.env.BENCH_FLOOD_CALLS ?? 3000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main(): Promise<void> {
  const broker = process.env.TEST_KAFKA_BROKERS ? null : await startKafka();
  const brokers = broker ? broker.brokers : process.env.TEST_KAFKA_BROKERS!.split(',');
  const db = await createTempDatabase('benchflood');
  const prefix = `bf${crypto.randomBytes(3).toString('hex')}.`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-flood-'));
  const rt = await startRuntime(loadSettings({
    KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}ingest`,
    DATABASE_URL: db.url, PHONE_HASH_KEY: 'bench-flood-key-0123456789', DATA_DIR: dataDir, SIMULATE: '0', RULES: '0', TZ_CENTER: 'Asia/Shanghai',
  }), { consume: true, log: () => undefined });
  const producer = new Kafka({ clientId: 'bench-flood', brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const stored = async () => (await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls')).rows[0]!.n;

  interface Profile { seconds: number; prepareMs: number; storeMs: number; batches: number }
  /** Valid calls stored per second, from the first produce until all of them are stored, and where the pipeline's time went. */
  async function run(flood: boolean): Promise<{ perSec: number; profile: Profile }> {
    const before = rt.pipeline.stats();
    const valid = Array.from({ length: N }, () => call({ receivedAt: new Date().toISOString() }));
    const messages: { key: string; value: Buffer }[] = [];
    valid.forEach((c, i) => {
      messages.push({ key: c.id, value: Buffer.from(JSON.stringify(c)) });
      if (flood) messages.push({ key: `bad-${i}`, value: malformed(i) });
    });
    const target = (await stored()) + N;
    const t0 = performance.now();
    // In sends of 100: the broker's 1 MB request limit, with the huge strings.
    for (let i = 0; i < messages.length; i += 100) await producer.send({ topic: `${prefix}police.calls`, messages: messages.slice(i, i + 100) });
    for (;;) {
      if ((await stored()) >= target) break;
      if (performance.now() - t0 > 300_000) throw new Error('calls not stored in 5 min');
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = rt.pipeline.stats();
    return {
      perSec: N / seconds,
      profile: { seconds, prepareMs: after.timing.prepareMs - before.timing.prepareMs, storeMs: after.timing.storeMs - before.timing.storeMs, batches: after.batches - before.batches },
    };
  }
  const said = (p: Profile) => `${p.seconds.toFixed(2)} s: prepare ${Math.round(p.prepareMs)} ms, store ${Math.round(p.storeMs)} ms, ${p.batches} batches`;

  const runs: Array<{ run: number; cleanPerSec: number; floodPerSec: number; ratio: number; clean: Profile; flood: Profile }> = [];
  try {
    await run(false); // warm-up: connections, JIT, the topic's first fetches
    for (let i = 1; i <= RUNS; i++) {
      const clean = await run(false);
      const flood = await run(true);
      runs.push({ run: i, cleanPerSec: clean.perSec, floodPerSec: flood.perSec, ratio: flood.perSec / clean.perSec, clean: clean.profile, flood: flood.profile });
      console.log(`run ${i}: clean ${Math.round(clean.perSec)} valid calls/s (${said(clean.profile)}), flood ${Math.round(flood.perSec)} valid calls/s with ${N} malformed (${said(flood.profile)}): ${(100 * flood.perSec / clean.perSec).toFixed(0)} % of clean`);
    }
  } finally {
    await producer.disconnect();
    await rt.stop();
    await db.drop();
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const ratio = median(runs.map((r) => r.ratio));
  const file = writeResult('flood', {
    goal: { ratioOfClean: 0.8 }, callsPerRun: N, malformedKinds: MALFORMED_KINDS,
    medians: { cleanPerSec: median(runs.map((r) => r.cleanPerSec)), floodPerSec: median(runs.map((r) => r.floodPerSec)), ratio }, runs,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`flood: valid calls at ${(ratio * 100).toFixed(0)} % of the clean rate (median of ${runs.length}; goal ≥ 80 %)`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
