/**
 * `npm run bench:latency -- --deployed`: produce → wall-client receipt latency in the deployed
 * topology (issue 11): 2 ingest processes in one consumer group and 2 web processes, on one
 * PostgreSQL database (a fresh one on 127.0.0.1:5432 per run) and a Kafka broker of the
 * bench's own (test/support/kafka.ts), started as test/support/deployed.ts starts them.
 *
 * Producing: BENCH_RATE calls/s (1,000) straight to Kafka, BENCH_INTERVAL_MS (100) apart in
 * sends of rate × interval calls, open-loop (a send goes out on schedule whether or not the
 * previous one was acknowledged). Call n goes to partition n mod 3 of police.calls, so the
 * order each client should see is known: Kafka keeps order within a partition only. The
 * produce time of a call is the moment its send is handed to the producer.
 *
 * Receipt: BENCH_CLIENTS (200) socket.io clients in BENCH_CLIENT_WORKERS (4) worker threads (bench/lib/latency-clients.ts,
 * as the embedded bench), spread over the two web processes as a proxy would; each records
 * the receipt time of every call id on the producer's clock. Counted per client: lost (never
 * received), duplicates, sequence gaps, fall-back snapshots, disconnects, and out-of-order
 * (a call received before an earlier call of its partition).
 *
 * Every run starts a fresh topology, warms up BENCH_WARMUP_SECONDS (10: the second ingest's
 * join and the group's rebalance settle), then measures BENCH_SECONDS (60). CPU of every
 * process is reported (the machine is shared: compare with `npm run bench:latency` in the same
 * session, and read the other processes' cores and the load average).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { call } from '../test/support/events';
import { startDeployed, type Deployed } from '../test/support/deployed';
import { startKafka, type KafkaBroker } from '../test/support/kafka';
import { createTempDatabase, type TempDatabase } from '../test/support/postgres';
import type { ClientsInput, ClientsResult } from './lib/latency-clients';
import { median, writeResult } from './lib/results';
import { dist, f1, fmtDist, nextMessage, now, sleep, startClients, type Dist } from './lib/latency-common';
import { groupCpuSeconds, machineCpuSeconds, processCpuSeconds } from './lib/server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
/** Worker threads the clients are split over: one thread decoding every delta for 200 sockets falls behind on a loaded machine, and its sockets then time out. */
const CLIENT_WORKERS = Number(process.env.BENCH_CLIENT_WORKERS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100);
const PER_BATCH = Math.round((RATE * INTERVAL_MS) / 1000);
const PARTITIONS = 3;
const DRAIN_MS = 20_000;
const GOAL = { p99Ms: 250 };

interface RunResult {
  run: number;
  latencyMs: Dist;
  /** Send → the web process numbering the delta (Kafka, ingest, PostgreSQL commit, wall.deltas, the web's consumer), as seen by client 0's web process. */
  produceToEmitMs: Dist;
  emitToReceiptMs: Dist;
  produced: number; measured: number; lost: number; duplicates: number; outOfOrder: number; seqGaps: number;
  extraSnapshots: number; disconnects: number; sendErrors: number; achievedRate: number;
  cpuCores: { ingest: number[]; web: number[]; bench: number; other: number; steal: number };
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  p99BySecondMs: number[];
  loadAvg: number[];
}

async function runOnce(run: number, brokers: string[]): Promise<RunResult> {
  const marker = `bench-dlat-${crypto.randomBytes(5).toString('hex')}`;
  const prefix = `dl${run}${crypto.randomBytes(3).toString('hex')}.`;
  const idPrefix = `DL${run}${crypto.randomBytes(3).toString('hex')}x`;
  const batches = Math.round(((WARMUP + SECONDS) * 1000) / INTERVAL_MS);
  const total = batches * PER_BATCH;
  const sentAt = new Float64Array(total).fill(Number.NaN);
  let db: TempDatabase | null = null;
  let topo: Deployed | null = null;
  let workers: Worker[] = [];
  let producer: Producer | null = null;
  try {
    db = await createTempDatabase('bench_latency_deployed');
    topo = await startDeployed({
      brokers, databaseUrl: db.url, prefix, ingests: 2, webs: 2, tokens: { wall: `${marker}-wall`, ingest: `${marker}-ingest` },
      web: { readyTimeoutMs: 600_000, waitForPages: true },
    });
    const t = topo;
    const kafka = new Kafka({ clientId: 'bench-latency-deployed', brokers, logLevel: logLevel.NOTHING });
    // Measured in the steady state: both ingest processes in the group with their partitions
    // (a member joining moves partitions, which is the fault test's business, not this one's).
    const admin = kafka.admin();
    await admin.connect();
    try {
      const groupId = `${prefix}ingest`;
      const deadline = Date.now() + 120_000;
      for (;;) {
        const g = (await admin.describeGroups([groupId])).groups[0];
        if (g?.state === 'Stable' && g.members.length === 2) break;
        if (Date.now() > deadline) throw new Error(`consumer group ${groupId} not stable with 2 members: ${g?.state} ${g?.members.length}`);
        await sleep(250);
      }
    } finally {
      await admin.disconnect();
    }
    // One request in flight and idempotent, as a producer that needs order must be: with several
    // in flight a send retried under load lands after later ones (whole sends showed up out of order).
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const prod = producer;

    // An even share each, so that client parity (which web process) is the same in every worker.
    const share = Math.ceil(CLIENTS / CLIENT_WORKERS / 2) * 2;
    for (let j = 0; j * share < CLIENTS; j++) {
      workers.push(startClients({ urls: t.webs.map((x) => x.url), token: `${marker}-wall`, clients: Math.min(share, CLIENTS - j * share), idPrefix, capacity: total, deflate: true }));
    }
    await Promise.all(workers.map((x) => nextMessage(x, 'ready', 120_000)));
    let workerError: Error | null = null;
    for (const x of workers) {
      x.on('message', (m: { type: string; message?: string }) => { if (m.type === 'error') workerError = new Error(m.message); });
      x.on('error', (err) => { workerError = err; });
    }
    const w = { postMessage: (m: unknown) => { for (const x of workers) x.postMessage(m); } };

    let sendErrors = 0;
    let firstError = '';
    const pending = new Set<Promise<void>>();
    const topic = `${prefix}police.calls`;
    let chain: Promise<unknown> = Promise.resolve();
    const send = (k: number) => {
      const first = k * PER_BATCH;
      const stamp = new Date().toISOString();
      const messages = Array.from({ length: PER_BATCH }, (_, i) => {
        const n = first + i;
        return { partition: n % PARTITIONS, key: `${idPrefix}${n}`, value: JSON.stringify(call({ id: `${idPrefix}${n}`, receivedAt: stamp })) };
      });
      const t0 = now();
      for (let i = 0; i < PER_BATCH; i++) sentAt[first + i] = t0;
      // Chained: send() resolves metadata before it queues its request, so two sends started at
      // once can reach the broker in either order (whole sends showed up out of order). A send
      // that waits for the previous one still counts from its scheduled time.
      const p = (chain = chain.then(() => prod.send({ topic, acks: -1, messages })))
        .then(() => undefined)
        .catch((err: Error) => { sendErrors++; firstError ||= err.message; })
        .finally(() => pending.delete(p));
      pending.add(p);
    };

    const warmBatches = Math.round((WARMUP * 1000) / INTERVAL_MS);
    const cpuOf = () => ({ ingest: t.ingests.map((i) => processCpuSeconds(i.pid)), web: t.webs.map((x) => groupCpuSeconds(x.pgid)), bench: process.cpuUsage(), machine: machineCpuSeconds() });
    let cpu0 = cpuOf();
    let tMeasure = now();
    const start = now();
    for (let k = 0; k < batches; k++) {
      const due = start + k * INTERVAL_MS;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      if (k === warmBatches) {
        tMeasure = now();
        cpu0 = cpuOf();
        w.postMessage({ type: 'measure' });
      }
      send(k);
      if (workerError) throw workerError;
    }
    const tEnd = now();
    const cpu1 = cpuOf();
    const secs = (tEnd - tMeasure) / 1000;
    await Promise.all([...pending]);
    if (sendErrors) throw new Error(`${sendErrors} Kafka send(s) failed, first: ${firstError}`);

    w.postMessage({ type: 'expect', total });
    await Promise.all(workers.map((x) => nextMessage(x, 'drained', DRAIN_MS))).catch(() => undefined); // losses are counted below
    const resultsP = Promise.all(workers.map((x) => nextMessage<ClientsResult>(x, 'result', 30_000)));
    w.postMessage({ type: 'stop' });
    const parts = await resultsP;
    // One result as if from one worker: clients in order, the server's emit times as worker 0's first client saw them.
    const res = {
      receipts: parts.flatMap((p) => p.receipts), counters: parts.flatMap((p) => p.counters), emittedAt: parts[0]!.emittedAt,
      loopDelay: { p50: Math.max(...parts.map((p) => p.loopDelay.p50)), p99: Math.max(...parts.map((p) => p.loopDelay.p99)), max: Math.max(...parts.map((p) => p.loopDelay.max)) },
    };

    const firstMeasured = warmBatches * PER_BATCH;
    const measured = total - firstMeasured;
    const lat = new Float64Array(measured * CLIENTS);
    const toClient = new Float64Array(measured * CLIENTS);
    const perSecond = Math.round(1000 / INTERVAL_MS) * PER_BATCH;
    const bySecond = Array.from({ length: Math.ceil(measured / perSecond) }, () => [] as number[]);
    let m = 0;
    let lost = 0;
    let outOfOrder = 0;
    for (const r of res.receipts) {
      const latest = new Float64Array(PARTITIONS).fill(-Infinity);
      for (let n = 0; n < total; n++) {
        const rt = r[n]!;
        if (Number.isNaN(rt)) { lost++; continue; }
        // Same delta, same receipt time: only an earlier time than an earlier call's is a reordering.
        const p = n % PARTITIONS;
        if (rt < latest[p]!) outOfOrder++;
        else latest[p] = rt;
        if (n < firstMeasured) continue;
        lat[m] = rt - sentAt[n]!;
        toClient[m] = rt - res.emittedAt[n]!;
        bySecond[Math.floor((n - firstMeasured) / perSecond)]!.push(lat[m]!);
        m++;
      }
    }
    const toEmit = new Float64Array(measured);
    let e = 0;
    for (let n = firstMeasured; n < total; n++) {
      if (Number.isNaN(res.emittedAt[n]!)) continue;
      toEmit[e++] = res.emittedAt[n]! - sentAt[n]!;
    }
    const sum = (f: (c: ClientsResult['counters'][number]) => number) => res.counters.reduce((a, c) => a + f(c), 0);
    if (lost || sum((c) => c.disconnects)) {
      const reasons: Record<string, number> = {};
      for (const c of res.counters) for (const [k, v] of Object.entries(c.disconnectReasons)) reasons[k] = (reasons[k] ?? 0) + v;
      console.log(`disconnect reasons: ${JSON.stringify(reasons)}; clients that received anything: ${res.counters.filter((c) => c.received > 0).length}`);
      // What the processes said: a delivery that was not exact is explained there, if anywhere.
      for (const [i, p] of t.ingests.entries()) console.log(`--- ingest ${i} (tail) ---\n${p.output().slice(-1500)}`);
      for (const [i, x] of t.webs.entries()) console.log(`--- web ${i} (tail) ---\n${x.output().slice(-1500)}`);
    }
    const benchSecs = (() => { const u = process.cpuUsage(cpu0.bench); return (u.user + u.system) / 1e6; })();
    const ingestCores = cpu1.ingest.map((x, i) => (x - cpu0.ingest[i]!) / secs);
    const webCores = cpu1.web.map((x, i) => (x - cpu0.web[i]!) / secs);
    const busy = (cpu1.machine.busy - cpu0.machine.busy) / secs;
    return {
      run,
      latencyMs: dist(lat.subarray(0, m)),
      produceToEmitMs: dist(toEmit.subarray(0, e)),
      emitToReceiptMs: dist(toClient.subarray(0, m)),
      produced: total, measured, lost, outOfOrder,
      duplicates: sum((c) => c.duplicates),
      seqGaps: sum((c) => c.seqGaps),
      extraSnapshots: sum((c) => c.snapshots - 1),
      disconnects: sum((c) => c.disconnects),
      sendErrors,
      achievedRate: ((batches - warmBatches) * PER_BATCH) / (secs + INTERVAL_MS / 1000),
      cpuCores: {
        ingest: ingestCores, web: webCores, bench: benchSecs / secs,
        other: busy - ingestCores.reduce((a, b) => a + b, 0) - webCores.reduce((a, b) => a + b, 0) - benchSecs / secs,
        steal: (cpu1.machine.steal - cpu0.machine.steal) / secs,
      },
      clientLoopDelayMs: res.loopDelay,
      p99BySecondMs: bySecond.map((xs) => Math.round(dist(Float64Array.from(xs)).p99 * 10) / 10),
      loadAvg: os.loadavg(),
    };
  } catch (err) {
    if (topo) (err as Error).message += `\n--- ingest 0 (tail) ---\n${topo.ingests[0]?.output().slice(-1500)}\n--- web 0 (tail) ---\n${topo.webs[0]?.output().slice(-1500)}`;
    throw err;
  } finally {
    await Promise.all(workers.map((x) => x.terminate()));
    workers = [];
    await producer?.disconnect().catch(() => undefined);
    await topo?.stop();
    await db?.drop().catch(() => undefined);
  }
}

export async function mainDeployed(): Promise<void> {
  console.log(`latency bench, deployed: ${RUNS} run(s), fresh topology each (2 ingest + 2 web processes, PostgreSQL, Kafka); ${CLIENTS} clients over both web processes; `
    + `${RATE} calls/s to Kafka as ${PER_BATCH} per send every ${INTERVAL_MS} ms; ${WARMUP} s warm-up + ${SECONDS} s measured; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let broker: KafkaBroker | null = null;
  const runs: RunResult[] = [];
  try {
    const brokers = process.env.TEST_KAFKA_BROKERS ? process.env.TEST_KAFKA_BROKERS.split(',') : (broker = await startKafka()).brokers;
    for (let run = 1; run <= RUNS; run++) {
      const r = await runOnce(run, brokers);
      runs.push(r);
      console.log(`run ${run}: latency ${fmtDist(r.latencyMs)} ms over ${r.latencyMs.count} receipts (${r.measured} calls × ${CLIENTS} clients); `
        + `lost ${r.lost}, duplicates ${r.duplicates}, out of order ${r.outOfOrder}, seq gaps ${r.seqGaps}, fall-back snapshots ${r.extraSnapshots}, disconnects ${r.disconnects}; ${Math.round(r.achievedRate)} calls/s`);
      console.log(`       send→web emit ${fmtDist(r.produceToEmitMs)}; emit→client ${fmtDist(r.emitToReceiptMs)} ms`);
      console.log(`       CPU cores: ingest ${r.cpuCores.ingest.map((x) => x.toFixed(2)).join(' + ')}, web ${r.cpuCores.web.map((x) => x.toFixed(2)).join(' + ')}, bench (producer + clients) ${r.cpuCores.bench.toFixed(2)}, `
        + `everything else (Kafka, PostgreSQL, other users) ${r.cpuCores.other.toFixed(2)}, steal ${r.cpuCores.steal.toFixed(2)}; client loop delay p99 ${f1(r.clientLoopDelayMs.p99)} ms; load average ${r.loadAvg.map((x) => x.toFixed(2)).join(' ')}`);
      console.log(`       p99 by second: ${r.p99BySecondMs.map((x) => Math.round(x)).join(' ')}`);
    }
  } finally {
    await broker?.stop();
  }
  // A run whose clients all timed out has no latencies (NaN): the median is of the runs that have them.
  const med = (f: (r: RunResult) => number) => median(runs.map(f).filter(Number.isFinite));
  const medians = {
    p50: med((r) => r.latencyMs.p50), p90: med((r) => r.latencyMs.p90), p99: med((r) => r.latencyMs.p99), max: med((r) => r.latencyMs.max),
    produceToEmitP50: med((r) => r.produceToEmitMs.p50), produceToEmitP99: med((r) => r.produceToEmitMs.p99),
    emitToReceiptP50: med((r) => r.emitToReceiptMs.p50), emitToReceiptP99: med((r) => r.emitToReceiptMs.p99),
    otherCores: med((r) => r.cpuCores.other),
  };
  const totals = { lost: runs.reduce((a, r) => a + r.lost, 0), duplicates: runs.reduce((a, r) => a + r.duplicates, 0), outOfOrder: runs.reduce((a, r) => a + r.outOfOrder, 0), seqGaps: runs.reduce((a, r) => a + r.seqGaps, 0) };
  const file = writeResult('latency-deployed', {
    goal: GOAL, met: medians.p99 <= GOAL.p99Ms && totals.lost + totals.duplicates + totals.outOfOrder === 0,
    mode: 'deployed (2 ingest processes in one consumer group, 2 web processes, PostgreSQL, Kafka; calls produced to Kafka)',
    config: { runs: RUNS, seconds: SECONDS, warmupSeconds: WARMUP, clients: CLIENTS, ratePerSec: RATE, intervalMs: INTERVAL_MS, perBatch: PER_BATCH, partitions: PARTITIONS, clientsIn: `${CLIENT_WORKERS} worker threads of the bench process` },
    medians, totals, runs,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`latency (deployed): p50 ${f1(medians.p50)} p99 ${f1(medians.p99)} ms; lost ${totals.lost}, doubled ${totals.duplicates}, out of order ${totals.outOfOrder} over ${runs.length} run(s)`);
}
