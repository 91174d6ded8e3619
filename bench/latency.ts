/**
 * `npm run bench:latency`: produce → wall-client receipt latency of police calls, in embedded
 * mode (the mode `npm start` runs). `npm run bench:latency -- --deployed` measures the deployed
 * topology instead (bench/latency-deployed.ts).
 *
 * Each run starts a fresh server (`npm start`, SIMULATE=0, its own DATA_DIR and tokens), so
 * runs are independent (empty store, empty wall state, cold-to-warm JIT each time), connects
 * 50 socket.io clients, and produces 1,000 calls/s for a 5 s warm-up plus BENCH_SECONDS.
 *
 * Producing: the in-process bus lives inside the server process, so from outside the way in
 * is the HTTP ingest endpoint, which hands each request to the same pipeline as one batch.
 * Every 100 ms a POST carries 100 calls. The load is open-loop: a POST goes out on schedule
 * whether or not the previous one has been answered, so a slow server shows up as latency
 * instead of quietly lowering the rate. The produce time of a call is the moment its POST is
 * sent, so the 100 calls of a batch share it, which is what "produced" honestly means here.
 *
 * Receipt: each client records, for every call id in a `calls` delta, the arrival time on
 * the same clock as the producer (`performance.timeOrigin + performance.now()`): one process,
 * no clock skew. The clients live in a worker thread (bench/lib/latency-clients.ts) so that
 * building and sending a batch never delays a receipt timestamp; the worker's event-loop
 * delay is reported so a saturated client side would be visible. Clients and producer share
 * this machine's cores with the server, as the wall's screens would not: the server's CPU
 * time is reported next to the latencies.
 *
 * The store is one PGlite connection (in a worker thread of its own): its periodic work (the
 * wall's figures every 30 s, retention every 60 s) makes ingest transactions wait, which shows
 * as spikes in the per-second p99 of send → server emit; the refresh times are reported
 * alongside, with the highest per-second p99 within ±2 s of a figures refresh against the
 * highest elsewhere (a refresh that stalls the live path shows as the first above the second).
 *
 * Every client must get every call exactly once, with no sequence gap, no fall-back
 * snapshot and no disconnect; otherwise the run fails.
 *
 * BENCH_SECONDS (60), BENCH_WARMUP_SECONDS (5), BENCH_RUNS (3), BENCH_CLIENTS (50),
 * BENCH_RATE (1000 events/s), BENCH_INTERVAL_MS (100) tune it; BENCH_CLIENT_DEFLATE=0 makes the
 * clients decline permessage-deflate (browsers offer it, so the default keeps it), to measure
 * what compression costs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { call } from '../test/support/events';
import type { ClientCounters, ClientsInput, ClientsResult } from './lib/latency-clients';
import { median, writeResult } from './lib/results';
import { dist, f1, fmtDist, nextMessage, now, sleep, startClients, type Dist } from './lib/latency-common';
import { startServer, type RunningServer } from '../test/support/server';
import { groupCpuSeconds, machineCpuSeconds } from './lib/server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 100);
const PER_BATCH = Math.round((RATE * INTERVAL_MS) / 1000);
const DEFLATE = process.env.BENCH_CLIENT_DEFLATE !== '0';
const DRAIN_MS = 15_000;
const GOAL = { p50Ms: 50, p99Ms: 250 };

interface Timing { prepareMs: number; storeMs: number; listenersMs: number; batches: number; accepted: number }
async function pipelineTiming(server: RunningServer, token: string): Promise<Timing> {
  const h = (await (await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as { pipeline: { timing: Omit<Timing, 'batches' | 'accepted'>; batches: number; accepted: number } };
  return { ...h.pipeline.timing, batches: h.pipeline.batches, accepted: h.pipeline.accepted };
}

interface RunResult {
  run: number;
  latencyMs: Dist;
  /** Send → the server numbering the delta (HTTP, decode/validate/enrich, PGlite commit): `delta.at` is Date.now() there, so ±1 ms. */
  produceToEmitMs: Dist;
  /** Server numbering the delta → client receipt (fan-out to 50 sockets, compression, network, client decode). */
  emitToReceiptMs: Dist;
  /** POST sent → its reply (the reply is written after the delta has been handed to every socket). */
  postRoundTripMs: Dist;
  produced: number; measured: number; lost: number; duplicates: number; seqGaps: number;
  extraSnapshots: number; disconnects: number; postErrors: number; achievedRate: number;
  serverCpu: { seconds: number; coresUsed: number };
  benchCpu: { seconds: number; coresUsed: number };
  /** Cores used by everything else on the machine meanwhile (busy − server − bench), and hypervisor steal: above ~0.3 the run was disturbed. */
  otherCpu: { coresUsed: number; stealCores: number };
  clientLoopDelayMs: { p50: number; p99: number; max: number };
  /** Server pipeline stage time per batch during the measured window (from /api/health → pipeline.timing). */
  pipelinePerBatchMs: { prepare: number; store: number; listeners: number; batches: number };
  /** Receipt latency by client, in connection order (the gateway fans out in that order): p50 of the first and last client. */
  fanOutP50Ms: { first: number; last: number };
  /** p99 latency of the calls sent in each second of the measured window: periodic stalls show here. */
  p99BySecondMs: number[];
  /** The same for send → server emit: tells a server-side stall (store, event loop) from a fan-out one. */
  emitP99BySecondMs: number[];
  /** When the hub's periodic figures refresh (queries on the store's single connection, which ingest waits behind) landed, in seconds of the measured window. */
  figuresRefreshAtSecond: number[];
  /** Per-second p99 within ±2 s of a figures refresh against the other seconds: what a refresh costs the live path. */
  aroundRefresh: { latency: NearRest; emit: NearRest };
  loadAvg: number[];
}

interface NearRest { nearMaxP99: number | null; restMaxP99: number | null; nearMedianP99: number | null; restMedianP99: number | null; nearSeconds: number }

const NEAR_S = 2;

function aroundRefresh(bySecond: number[], refreshAt: number[]): NearRest {
  const near = new Set<number>();
  for (const r of refreshAt) for (let s = Math.floor(r) - NEAR_S; s <= Math.floor(r) + NEAR_S; s++) if (s >= 0 && s < bySecond.length) near.add(s);
  const a = bySecond.filter((_, i) => near.has(i) && Number.isFinite(bySecond[i]!));
  const b = bySecond.filter((_, i) => !near.has(i) && Number.isFinite(bySecond[i]!));
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  const med = (xs: number[]) => (xs.length ? median(xs) : null);
  return { nearMaxP99: max(a), restMaxP99: max(b), nearMedianP99: med(a), restMedianP99: med(b), nearSeconds: a.length };
}

async function runOnce(run: number): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-latency-'));
  const marker = `bench-latency-${crypto.randomBytes(6).toString('hex')}`;
  const wallToken = `${marker}-wall`;
  const ingestToken = `${marker}-ingest`;
  const idPrefix = `L${run}${crypto.randomBytes(3).toString('hex')}x`;
  const batches = Math.round(((WARMUP + SECONDS) * 1000) / INTERVAL_MS);
  const total = batches * PER_BATCH;
  const sentAt = new Float64Array(total).fill(Number.NaN);
  const answeredAt = new Float64Array(total).fill(Number.NaN);
  let server: RunningServer | null = null;
  let worker: Worker | null = null;
  try {
    // Ready means data plane and pages: Next.js preparing would otherwise eat the warm-up's CPU.
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: wallToken, INGEST_TOKEN: ingestToken }, { readyTimeoutMs: 600_000, waitForPages: true });
    const srv = server;

    worker = startClients({ urls: [srv.url], token: wallToken, clients: CLIENTS, idPrefix, capacity: total, deflate: DEFLATE });
    await nextMessage(worker, 'ready', 60_000);
    const w = worker;
    let workerError: Error | null = null;
    w.on('message', (m: { type: string; message?: string }) => { if (m.type === 'error') workerError = new Error(m.message); });
    w.on('error', (err) => { workerError = err; });

    let postErrors = 0;
    let firstError = '';
    const pending = new Set<Promise<void>>();
    const post = (k: number) => {
      const first = k * PER_BATCH;
      const stamp = new Date().toISOString();
      const body = JSON.stringify(Array.from({ length: PER_BATCH }, (_, i) => call({ id: `${idPrefix}${first + i}`, receivedAt: stamp })));
      const t0 = now();
      for (let i = 0; i < PER_BATCH; i++) sentAt[first + i] = t0;
      const p = fetch(`${srv.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' }, body })
        .then(async (r) => {
          const out = (await r.json()) as { accepted?: number };
          const t1 = now();
          if (r.status !== 200 || out.accepted !== PER_BATCH) throw new Error(`HTTP ${r.status}: ${JSON.stringify(out).slice(0, 300)}`);
          for (let i = 0; i < PER_BATCH; i++) answeredAt[first + i] = t1;
        })
        .catch((err: Error) => { postErrors++; firstError ||= err.message; })
        .finally(() => pending.delete(p));
      pending.add(p);
    };

    const warmBatches = Math.round((WARMUP * 1000) / INTERVAL_MS);
    let cpu0 = groupCpuSeconds(srv.pgid);
    let bench0 = process.cpuUsage();
    let machine0 = machineCpuSeconds();
    let timing0: Timing | null = null;
    let tMeasure = now();
    const start = now();
    for (let k = 0; k < batches; k++) {
      const due = start + k * INTERVAL_MS;
      const wait = due - now();
      if (wait > 1) await sleep(wait);
      if (k === warmBatches) {
        tMeasure = now();
        cpu0 = groupCpuSeconds(srv.pgid);
        bench0 = process.cpuUsage();
        machine0 = machineCpuSeconds();
        w.postMessage({ type: 'measure' });
        // One health read (it runs a small query) at the warm-up boundary, one after the run.
        void pipelineTiming(srv, wallToken).then((x) => { timing0 = x; }, () => undefined);
      }
      post(k);
      if (workerError) throw workerError;
    }
    const tEnd = now();
    const cpu1 = groupCpuSeconds(srv.pgid);
    const bench1 = process.cpuUsage(bench0);
    const machine1 = machineCpuSeconds();
    const measuredSeconds = (tEnd - tMeasure) / 1000;
    await Promise.all([...pending]);
    if (postErrors) throw new Error(`${postErrors} ingest POST(s) failed, first: ${firstError}`);
    const timing1 = await pipelineTiming(srv, wallToken);

    w.postMessage({ type: 'expect', total });
    await nextMessage(w, 'drained', DRAIN_MS).catch(() => undefined); // losses are counted below
    const resultP = nextMessage<ClientsResult>(w, 'result', 30_000);
    w.postMessage({ type: 'stop' });
    const res = await resultP;

    // Latencies over the measured window only: calls sent after the warm-up.
    const firstMeasured = warmBatches * PER_BATCH;
    const measured = total - firstMeasured;
    const lat = new Float64Array(measured * CLIENTS);
    const toClient = new Float64Array(measured * CLIENTS);
    const perSecond = Math.round(1000 / INTERVAL_MS) * PER_BATCH;
    const bySecond = Array.from({ length: Math.ceil(measured / perSecond) }, () => [] as number[]);
    const clientP50: number[] = [];
    let m = 0;
    let lost = 0;
    for (const r of res.receipts) {
      const m0 = m;
      for (let n = 0; n < total; n++) {
        const rt = r[n]!;
        if (Number.isNaN(rt)) { lost++; continue; }
        if (n < firstMeasured) continue;
        lat[m] = rt - sentAt[n]!;
        toClient[m] = rt - res.emittedAt[n]!;
        bySecond[Math.floor((n - firstMeasured) / perSecond)]!.push(lat[m]!);
        m++;
      }
      clientP50.push(dist(lat.subarray(m0, m)).p50);
    }
    const toEmit = new Float64Array(measured);
    const rtt = new Float64Array(measured);
    const emitBySecond = bySecond.map(() => [] as number[]);
    let e = 0;
    for (let n = firstMeasured; n < total; n++) {
      if (Number.isNaN(res.emittedAt[n]!)) continue;
      toEmit[e] = res.emittedAt[n]! - sentAt[n]!;
      emitBySecond[Math.floor((n - firstMeasured) / perSecond)]!.push(toEmit[e]!);
      rtt[e] = answeredAt[n]! - sentAt[n]!;
      e++;
    }
    const p99BySecondMs = bySecond.map((xs) => Math.round(dist(Float64Array.from(xs)).p99 * 10) / 10);
    const emitP99BySecondMs = emitBySecond.map((xs) => Math.round(dist(Float64Array.from(xs)).p99 * 10) / 10);
    const figuresRefreshAtSecond = res.figuresAt.map((t) => Math.round((t - tMeasure) / 100) / 10);
    const sum = (f: (c: ClientCounters) => number) => res.counters.reduce((a, c) => a + f(c), 0);
    const t0 = timing0 as Timing | null;
    const dBatches = t0 ? timing1.batches - t0.batches : timing1.batches;
    const per = (k: 'prepareMs' | 'storeMs' | 'listenersMs') => (dBatches ? (timing1[k] - (t0 ? t0[k] : 0)) / dBatches : 0);
    return {
      run,
      latencyMs: dist(lat.subarray(0, m)),
      produceToEmitMs: dist(toEmit.subarray(0, e)),
      emitToReceiptMs: dist(toClient.subarray(0, m)),
      postRoundTripMs: dist(rtt.subarray(0, e)),
      produced: total, measured, lost,
      duplicates: sum((c) => c.duplicates),
      seqGaps: sum((c) => c.seqGaps),
      extraSnapshots: sum((c) => c.snapshots - 1),
      disconnects: sum((c) => c.disconnects),
      postErrors,
      achievedRate: ((batches - warmBatches) * PER_BATCH) / (measuredSeconds + INTERVAL_MS / 1000),
      serverCpu: { seconds: cpu1 - cpu0, coresUsed: (cpu1 - cpu0) / measuredSeconds },
      benchCpu: { seconds: (bench1.user + bench1.system) / 1e6, coresUsed: (bench1.user + bench1.system) / 1e6 / measuredSeconds },
      otherCpu: {
        coresUsed: (machine1.busy - machine0.busy - (cpu1 - cpu0) - (bench1.user + bench1.system) / 1e6) / measuredSeconds,
        stealCores: (machine1.steal - machine0.steal) / measuredSeconds,
      },
      clientLoopDelayMs: res.loopDelay,
      pipelinePerBatchMs: { prepare: per('prepareMs'), store: per('storeMs'), listeners: per('listenersMs'), batches: dBatches },
      fanOutP50Ms: { first: clientP50[0] ?? Number.NaN, last: clientP50[clientP50.length - 1] ?? Number.NaN },
      p99BySecondMs, figuresRefreshAtSecond, emitP99BySecondMs,
      aroundRefresh: { latency: aroundRefresh(p99BySecondMs, figuresRefreshAtSecond), emit: aroundRefresh(emitP99BySecondMs, figuresRefreshAtSecond) },
      loadAvg: os.loadavg(),
    };
  } catch (err) {
    if (server) (err as Error).message += `\n--- server output (tail) ---\n${server.output().slice(-3000)}`;
    throw err;
  } finally {
    await worker?.terminate();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmtN = (x: number | null) => (x === null ? '-' : f1(x));

async function main(): Promise<void> {
  console.log(`latency bench: ${RUNS} run(s), fresh server each; ${CLIENTS} clients; ${RATE} calls/s as ${PER_BATCH} per POST every ${INTERVAL_MS} ms; `
    + `${WARMUP} s warm-up + ${SECONDS} s measured; client deflate ${DEFLATE ? 'on' : 'off'}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await runOnce(run);
    runs.push(r);
    console.log(`run ${run}: latency ${fmtDist(r.latencyMs)} ms over ${r.latencyMs.count} receipts (${r.measured} calls × ${CLIENTS} clients); `
      + `lost ${r.lost}, duplicates ${r.duplicates}, seq gaps ${r.seqGaps}, fall-back snapshots ${r.extraSnapshots}, disconnects ${r.disconnects}; `
      + `${Math.round(r.achievedRate)} calls/s`);
    console.log(`       send→server emit ${fmtDist(r.produceToEmitMs)}; emit→client ${fmtDist(r.emitToReceiptMs)}; POST round trip ${fmtDist(r.postRoundTripMs)} ms`);
    console.log(`       server CPU ${r.serverCpu.coresUsed.toFixed(2)} cores, bench (producer + clients) ${r.benchCpu.coresUsed.toFixed(2)} cores, other processes ${r.otherCpu.coresUsed.toFixed(2)} cores (steal ${r.otherCpu.stealCores.toFixed(2)}), client loop delay p99 ${f1(r.clientLoopDelayMs.p99)} ms; `
      + `per batch: prepare ${f1(r.pipelinePerBatchMs.prepare)} ms, store ${f1(r.pipelinePerBatchMs.store)} ms, listeners ${f1(r.pipelinePerBatchMs.listeners)} ms; `
      + `load average ${r.loadAvg.map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`       fan-out: first client p50 ${f1(r.fanOutP50Ms.first)} ms, last p50 ${f1(r.fanOutP50Ms.last)} ms; p99 by second: ${r.p99BySecondMs.map((x) => Math.round(x)).join(' ')}`);
    console.log(`       send→emit p99 by second: ${r.emitP99BySecondMs.map((x) => Math.round(x)).join(' ')}; figures refresh at s ${r.figuresRefreshAtSecond.join(', ') || '-'}`);
    const nr = (x: NearRest) => `max ${fmtN(x.nearMaxP99)} (median ${fmtN(x.nearMedianP99)}) within ±${NEAR_S} s of a refresh vs max ${fmtN(x.restMaxP99)} (median ${fmtN(x.restMedianP99)}) elsewhere`;
    console.log(`       per-second p99 around the figures refresh: latency ${nr(r.aroundRefresh.latency)}; send→emit ${nr(r.aroundRefresh.emit)} ms`);
    const bad = r.lost + r.duplicates + r.seqGaps + r.extraSnapshots + r.disconnects + r.postErrors;
    if (bad) throw new Error(`run ${run}: delivery was not exact (lost ${r.lost}, duplicates ${r.duplicates}, seq gaps ${r.seqGaps}, snapshots ${r.extraSnapshots}, disconnects ${r.disconnects})`);
  }
  const med = (f: (r: RunResult) => number) => median(runs.map(f));
  const medians = {
    p50: med((r) => r.latencyMs.p50), p90: med((r) => r.latencyMs.p90), p99: med((r) => r.latencyMs.p99), max: med((r) => r.latencyMs.max),
    produceToEmitP50: med((r) => r.produceToEmitMs.p50), produceToEmitP99: med((r) => r.produceToEmitMs.p99),
    emitToReceiptP50: med((r) => r.emitToReceiptMs.p50), emitToReceiptP99: med((r) => r.emitToReceiptMs.p99),
    nearRefreshMaxP99: med((r) => r.aroundRefresh.latency.nearMaxP99 ?? Number.NaN),
    restMaxP99: med((r) => r.aroundRefresh.latency.restMaxP99 ?? Number.NaN),
    serverCores: med((r) => r.serverCpu.coresUsed),
    otherCores: med((r) => r.otherCpu.coresUsed),
  };
  const file = writeResult('latency', {
    goal: GOAL,
    met: medians.p50 <= GOAL.p50Ms && medians.p99 <= GOAL.p99Ms,
    mode: 'embedded (in-process bus; calls enter by POST /api/ingest/police.calls)',
    config: { runs: RUNS, seconds: SECONDS, warmupSeconds: WARMUP, clients: CLIENTS, ratePerSec: RATE, intervalMs: INTERVAL_MS, perBatch: PER_BATCH, freshServerPerRun: true, clientDeflate: DEFLATE, clientsIn: 'worker thread of the bench process' },
    medians, runs,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`per-second p99 (median of runs): max ${f1(medians.nearRefreshMaxP99)} ms within ±${NEAR_S} s of a figures refresh, max ${f1(medians.restMaxP99)} ms elsewhere`);
  console.log(`latency: p50 ${f1(medians.p50)} p99 ${f1(medians.p99)}`);
}

// `-- --deployed`: the same measurement across 2 ingest and 2 web processes on Kafka and PostgreSQL (bench/latency-deployed.ts).
const entry = process.argv.includes('--deployed') ? import('./latency-deployed').then((m) => m.mainDeployed()) : main();
entry.catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
