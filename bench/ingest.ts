/**
 * `npm run bench:ingest`: events/s from produce to committed rows, Kafka → pipeline →
 * database, against native PostgreSQL (compatibility mode) and the embedded store. In the
 * same run, a raw COPY of the same enriched rows into the same table gives the yardstick.
 * Broker, database and pipeline share this machine's cores, as the issue states.
 * BENCH_EVENTS (200000), BENCH_EVENTS_EMBEDDED (50000), BENCH_RUNS (3) tune it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { EventOf } from '@watchfloor/config/contracts';
import { loadSettings } from '@watchfloor/config/settings';
import { enrich } from '@watchfloor/ingest/pipeline/enrich';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { CallRecord } from '@watchfloor/ingest/records';
import { startRuntime } from '@watchfloor/ingest/runtime';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { startKafka } from '../test/support/kafka';
import { createTempDatabase } from '../test/support/postgres';
import { tongguan, tongguanGrids } from '../test/support/region';
import { median, writeResult } from './lib/results';

const N_PG = Number(process.env.BENCH_EVENTS ?? 200_000);
const N_EMB = Number(process.env.BENCH_EVENTS_EMBEDDED ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEY = 'bench-phone-key-0123456789abcdef';
const CATS = ['help', 'traffic', 'public_order', 'dispute.family', 'fraud', 'criminal', 'other'] as const;

function makeCalls(n: number, run: number): EventOf<'police.calls'>[] {
  const rng = mulberry32(run * 7919 + n);
  const [x0, y0, x1, y1] = tongguan().meta.bbox;
  const base = Date.parse('2026-10-01T00:00:00+08:00');
  return Array.from({ length: n }, (_, i) => ({
    id: `B${run}-${i}`,
    receivedAt: new Date(base + i * 1000).toISOString().replace('Z', '+00:00'),
    category: CATS[i % CATS.length]!,
    priority: 1 + (i % 3),
    summary: '报警人称路口两车相撞，无人员伤亡，请求处置',
    location: { lon: x0 + rng() * (x1 - x0), lat: y0 + rng() * (y1 - y0), address: '某镇某村12号' },
    callerPhone: `13${String(100000000 + Math.floor(rng() * 899999999))}`,
    source: 'phone' as const,
  }));
}

const COPY_COLUMNS = ['id', 'received_at', 'category', 'priority', 'summary', 'lon', 'lat', 'address', 'grid_id', 'village_code', 'town_code', 'caller_hash', 'caller_masked', 'source'];
const csvField = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);

function csvOf(calls: EventOf<'police.calls'>[]): string {
  const ctx = { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector(KEY) };
  const lines: string[] = [];
  for (const c of calls) {
    const r = enrich(ctx, { topic: 'police.calls', value: c });
    if (!r.ok) throw new Error(r.reason);
    const rec = r.record as CallRecord;
    lines.push([rec.event.id, rec.event.receivedAt, rec.event.category, rec.event.priority, rec.event.summary, rec.event.location.lon,
      rec.event.location.lat, rec.event.location.address, rec.place.gridId, rec.place.villageCode, rec.place.townCode, rec.callerHash,
      rec.callerMasked, rec.event.source].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

interface RunResult {
  target: 'postgres' | 'embedded'; run: number; events: number; seconds: number; eventsPerSec: number;
  produceSeconds: number; copySeconds: number; copyRowsPerSec: number; ratio: number;
  profile: { prepareMs: number; storeMs: number; otherMs: number; batches: number };
}

async function runOnce(brokers: string[], target: 'postgres' | 'embedded', run: number): Promise<RunResult> {
  const n = target === 'postgres' ? N_PG : N_EMB;
  const prefix = `bench${run}${target}${Date.now().toString(36)}.`;
  const tmpDb = target === 'postgres' ? await createTempDatabase('bench') : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-'));
  const settings = loadSettings({
    KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${prefix}ingest`, PHONE_HASH_KEY: KEY,
    DATA_DIR: dataDir, SIMULATE: '0', ...(tmpDb ? { DATABASE_URL: tmpDb.url } : {}),
  });
  const rt = await startRuntime(settings, { consume: true, log: () => undefined });
  const calls = makeCalls(n, run);
  const payloads = calls.map((c) => ({ key: c.id, value: JSON.stringify(c) }));
  const producer = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const t0 = performance.now();
    for (let i = 0; i < payloads.length; i += 5000) {
      await producer.send({ topic: `${prefix}police.calls`, acks: -1, messages: payloads.slice(i, i + 5000) });
    }
    const tProduced = performance.now();
    for (;;) {
      if (rt.pipeline.stats().accepted >= n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const t1 = performance.now();
    const { rows } = await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
    if (rows[0]!.n !== n) throw new Error(`expected ${n} rows, found ${rows[0]!.n}`);
    const st = rt.pipeline.stats();
    const seconds = (t1 - t0) / 1000;

    // The yardstick: the same enriched rows, COPY'd into the same (emptied) table.
    const csv = csvOf(calls);
    await rt.db.query('TRUNCATE calls');
    const c0 = performance.now();
    await rt.db.copyCsv('calls', COPY_COLUMNS, csv);
    const copySeconds = (performance.now() - c0) / 1000;
    const { rows: copied } = await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
    if (copied[0]!.n !== n) throw new Error(`COPY stored ${copied[0]!.n} of ${n}`);
    const eventsPerSec = n / seconds;
    const copyRowsPerSec = n / copySeconds;
    return {
      target, run, events: n, seconds, eventsPerSec, produceSeconds: (tProduced - t0) / 1000, copySeconds, copyRowsPerSec,
      ratio: eventsPerSec / copyRowsPerSec,
      profile: { prepareMs: st.timing.prepareMs, storeMs: st.timing.storeMs, otherMs: seconds * 1000 - st.timing.prepareMs - st.timing.storeMs, batches: st.batches },
    };
  } finally {
    await producer.disconnect();
    await rt.stop();
    await tmpDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const broker = await startKafka();
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const target of ['postgres', 'embedded'] as const) {
        const r = await runOnce(broker.brokers, target, run);
        results.push(r);
        console.log(`run ${run} ${target.padEnd(8)} ${r.events} events in ${r.seconds.toFixed(2)} s = ${Math.round(r.eventsPerSec)} events/s `
          + `(produce ${r.produceSeconds.toFixed(2)} s); raw COPY ${Math.round(r.copyRowsPerSec)} rows/s; ratio ${r.ratio.toFixed(3)}; `
          + `prepare ${Math.round(r.profile.prepareMs)} ms, store ${Math.round(r.profile.storeMs)} ms, other ${Math.round(r.profile.otherMs)} ms in ${r.profile.batches} batches`);
      }
    }
  } finally {
    await broker.stop();
  }
  const summarize = (target: RunResult['target']) => {
    const rs = results.filter((r) => r.target === target);
    return {
      eventsPerSec: median(rs.map((r) => r.eventsPerSec)), copyRowsPerSec: median(rs.map((r) => r.copyRowsPerSec)),
      ratio: median(rs.map((r) => r.ratio)), events: rs[0]?.events ?? 0, runs: rs.length,
    };
  };
  const pg = summarize('postgres');
  const embedded = summarize('embedded');
  const file = writeResult('ingest', {
    goal: { eventsPerSec: 50_000, ratioOfCopy: 0.15 }, medians: { postgres: pg, embedded }, runs: results,
  });
  console.log(`embedded: ${Math.round(embedded.eventsPerSec)} events/s, ${embedded.ratio.toFixed(3)} of raw COPY (median of ${embedded.runs})`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`ingest: ${Math.round(pg.eventsPerSec)} events/s, ${pg.ratio.toFixed(3)} of raw COPY`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
