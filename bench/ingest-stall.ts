/**
 * `npm run bench:stall`: how long big ingest batches stall the web process's event loop, and
 * whether the wall's sockets survive them (issue 7 §5: three concurrent 10 MB batches used to
 * drop every wall socket with a ping timeout; the goal is no stall above ~50 ms).
 *
 * Each run starts a fresh server (`npm start`, embedded, SIMULATE=0, its own DATA_DIR), connects
 * BENCH_CLIENTS (20) socket.io wall clients (websocket, hello, snapshot, as the wall does), then:
 *   idle:      2 s with nothing posted (the floor: what the loop does anyway),
 *   reference: one ~1 MB batch of calls,
 *   burst:     three ~10 MB batches posted at once.
 * The stall is the server's own figure: prom-client's `watchfloor_process_nodejs_eventloop_lag_max_seconds`
 * (perf_hooks.monitorEventLoopDelay, 10 ms resolution), whose histogram is reset at every scrape,
 * so a scrape just before a phase and one just after it give the longest stall within it.
 * The time to store is from the posts to the last answer (every answer says all its calls were
 * accepted). The clients must not disconnect; otherwise the run fails.
 *
 * For the question whether parsing the body is the stall: the same 10 MB body's JSON.parse is
 * timed in this process (same machine, same Node) and reported next to it.
 *
 * BENCH_RUNS (3), BENCH_CLIENTS (20), BENCH_BATCH_MB (10), BENCH_REF_MB (1) tune it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { WALL_EVENTS, WALL_PROTOCOL_VERSION } from '@watchfloor/config/wall';
import { call } from '../test/support/events';
import { startServer, type RunningServer } from '../test/support/server';
import { machineCpuSeconds } from './lib/server';
import { median, writeResult } from './lib/results';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const BATCH_MB = Number(process.env.BENCH_BATCH_MB ?? 10);
const REF_MB = Number(process.env.BENCH_REF_MB ?? 1);
const GOAL_STALL_MS = 50;
const INGEST = 'bench-stall-ingest-token';
const WALL = 'bench-stall-wall-token';
const ADMIN = 'bench-stall-admin-token';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A JSON array of distinct calls of about `mb` MB, spread over the last 20 hours. */
function batch(mb: number, tag: string): { body: string; n: number } {
  const now = Date.now();
  const items: unknown[] = [];
  let bytes = 2;
  for (let i = 0; bytes < mb * 1024 * 1024; i++) {
    const c = call({ id: `${tag}-${i}`, receivedAt: new Date(now - 60_000 - ((i * 7919) % (20 * 3_600_000))).toISOString() });
    items.push(c);
    bytes += Buffer.byteLength(JSON.stringify(c)) + 1;
  }
  return { body: JSON.stringify(items), n: items.length };
}

/** The longest event-loop stall since the previous scrape, ms (prom-client resets its histogram at each scrape). */
async function maxLagMs(s: RunningServer): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const m = /^watchfloor_process_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  if (!m) throw new Error('no watchfloor_process_nodejs_eventloop_lag_max_seconds in /metrics');
  return Number(m[1]) * 1000;
}

interface Timing { prepareMs: number; storeMs: number; listenersMs: number; batches: number }

/** The pipeline's own clocks (health details): prepare (decode, validate, enrich) runs on the event loop in one go per slice. */
async function timing(s: RunningServer): Promise<Timing> {
  const h = (await (await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { pipeline: { timing: Omit<Timing, 'batches'>; batches: number } };
  return { ...h.pipeline.timing, batches: h.pipeline.batches };
}

/** Per slice handed to the pipeline during a phase: ms in prepare, in the store transaction (the worker's), in the listeners. */
function perSlice(a: Timing, b: Timing) {
  const n = Math.max(1, b.batches - a.batches);
  return { slices: b.batches - a.batches, prepareMs: (b.prepareMs - a.prepareMs) / n, storeMs: (b.storeMs - a.storeMs) / n, listenersMs: (b.listenersMs - a.listenersMs) / n };
}

async function post(s: RunningServer, body: string, n: number): Promise<void> {
  const r = await fetch(`${s.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/json' }, body });
  const out = (await r.json()) as { accepted?: number };
  if (r.status !== 200 || out.accepted !== n) throw new Error(`ingest answered ${r.status}, accepted ${out.accepted} of ${n}`);
}

interface Phase { stallMs: number; seconds: number }
interface RunResult {
  run: number; events: { reference: number; burst: number }; bodyMB: { reference: number; burst: number };
  idle: Phase; reference: Phase; burst: Phase & { eventsPerSec: number };
  disconnects: number; jsonParseMs: number; machineBusyCores: number;
  burstPerSlice: ReturnType<typeof perSlice>;
}

async function phase(s: RunningServer, work: () => Promise<void>): Promise<Phase> {
  await maxLagMs(s); // resets the histogram
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  return { stallMs: await maxLagMs(s), seconds };
}

async function runOnce(run: number): Promise<RunResult> {
  const ref = batch(REF_MB, `R${run}`);
  const burst = [0, 1, 2].map((k) => batch(BATCH_MB, `B${run}${k}`));
  const p0 = performance.now();
  JSON.parse(burst[0]!.body);
  const jsonParseMs = performance.now() - p0;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-stall-'));
  const server = await startServer({
    DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN,
    INGEST_MAX_BYTES: String(Math.ceil(BATCH_MB * 1.2 * 1024 * 1024)),
  }, { waitForPages: true });
  const sockets: Socket[] = [];
  let disconnects = 0;
  try {
    await Promise.all(Array.from({ length: CLIENTS }, () => new Promise<void>((resolve, reject) => {
      const sock = io(server.url, { auth: { token: WALL }, query: { token: WALL }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(sock);
      const t = setTimeout(() => reject(new Error('no snapshot within 60 s')), 60_000);
      sock.on('connect', () => sock.emit(WALL_EVENTS.hello, { v: WALL_PROTOCOL_VERSION }));
      sock.once(WALL_EVENTS.snapshot, () => { clearTimeout(t); resolve(); });
      sock.on('connect_error', (err) => { clearTimeout(t); reject(err); });
      sock.on('disconnect', () => { disconnects++; });
    })));
    const cpu0 = machineCpuSeconds();
    const w0 = performance.now();
    const idle = await phase(server, async () => { await sleep(2000); });
    const reference = await phase(server, () => post(server, ref.body, ref.n));
    const t0 = await timing(server);
    const b = await phase(server, async () => { await Promise.all(burst.map((x) => post(server, x.body, x.n))); });
    const burstPerSlice = perSlice(t0, await timing(server));
    // Ping interval 10 s, timeout 8 s: a socket dropped by the burst has said so by now.
    await sleep(20_000);
    const machineBusyCores = (machineCpuSeconds().busy - cpu0.busy) / ((performance.now() - w0) / 1000);
    const burstEvents = burst.reduce((a, x) => a + x.n, 0);
    return {
      run, events: { reference: ref.n, burst: burstEvents },
      bodyMB: { reference: Buffer.byteLength(ref.body) / 2 ** 20, burst: Buffer.byteLength(burst[0]!.body) / 2 ** 20 },
      idle, reference, burst: { ...b, eventsPerSec: burstEvents / b.seconds },
      disconnects, jsonParseMs, machineBusyCores, burstPerSlice,
    };
  } finally {
    for (const x of sockets) x.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const f0 = (x: number) => x.toFixed(0);
  const runs: RunResult[] = [];
  console.log(`bench:stall — ${CLIENTS} wall clients; idle 2 s, one ${REF_MB} MB batch, three ${BATCH_MB} MB batches at once; ${RUNS} runs, fresh server each; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let run = 1; run <= RUNS; run++) {
    const r = await runOnce(run);
    runs.push(r);
    console.log(`run ${run}: max stall idle ${f0(r.idle.stallMs)} ms, ${REF_MB} MB ${f0(r.reference.stallMs)} ms, 3×${BATCH_MB} MB ${f0(r.burst.stallMs)} ms; `
      + `3×${r.events.burst / 3} calls stored in ${r.burst.seconds.toFixed(1)} s (${f0(r.burst.eventsPerSec)}/s); disconnects ${r.disconnects}; `
      + `JSON.parse of one ${r.bodyMB.burst.toFixed(1)} MB body here ${f0(r.jsonParseMs)} ms; per slice of the burst (${r.burstPerSlice.slices}): prepare ${f0(r.burstPerSlice.prepareMs)} ms, `
      + `store ${f0(r.burstPerSlice.storeMs)} ms, listeners ${f0(r.burstPerSlice.listenersMs)} ms; machine ${r.machineBusyCores.toFixed(2)} cores busy`);
    if (r.disconnects) throw new Error(`run ${run}: ${r.disconnects} wall clients disconnected`);
  }
  const med = (f: (r: RunResult) => number) => median(runs.map(f));
  const medians = {
    idleStallMs: med((r) => r.idle.stallMs), referenceStallMs: med((r) => r.reference.stallMs), burstStallMs: med((r) => r.burst.stallMs),
    burstSeconds: med((r) => r.burst.seconds), burstEventsPerSec: med((r) => r.burst.eventsPerSec), jsonParseMs: med((r) => r.jsonParseMs),
    disconnects: med((r) => r.disconnects), machineBusyCores: med((r) => r.machineBusyCores),
    prepareMsPerSlice: med((r) => r.burstPerSlice.prepareMs), listenersMsPerSlice: med((r) => r.burstPerSlice.listenersMs),
  };
  const file = writeResult('ingest-stall', {
    goal: { maxStallMs: GOAL_STALL_MS, disconnects: 0 }, met: medians.burstStallMs <= GOAL_STALL_MS && medians.disconnects === 0,
    config: { runs: RUNS, clients: CLIENTS, batchMB: BATCH_MB, referenceMB: REF_MB, stallFrom: 'watchfloor_process_nodejs_eventloop_lag_max_seconds (reset at each scrape)', loadAverageAtStart: os.loadavg() },
    medians, runs,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`max event-loop stall (median of ${RUNS}): 3×${BATCH_MB} MB ${f0(medians.burstStallMs)} ms (${REF_MB} MB ${f0(medians.referenceStallMs)} ms, idle ${f0(medians.idleStallMs)} ms), stored in ${medians.burstSeconds.toFixed(1)} s, disconnects ${medians.disconnects}`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
