/**
 * `npm run soak -- --minutes N [--interval-s S] [--speed X]`: the embedded server as a user starts
 * it (`npm start`, its own temp DATA_DIR, the county simulator on at SIMULATE_SPEED) with one wall
 * open in headless Chromium, sampled every interval for what grows when something leaks:
 *  - server RSS and event-loop lag p99 (GET /metrics, prom-client's default metrics of the server
 *    process; the lag histogram is reset at each scrape, so each sample is that interval's p99);
 *  - the wall's JS heap after a forced GC and its DOM node count (CDP Performance.getMetrics);
 *  - live WebGL contexts: an init script records every context the page creates; live = its canvas
 *    is in the document and the context is not lost;
 *  - the database: bytes of DATA_DIR on disk, and events stored (watchfloor_events_ingested_total).
 *
 * Verdict (bench/lib/soak-trend.ts): least-squares slope over the second half of the samples,
 * extrapolated to 24 h, against the half's median — RSS and heap may grow ≤ 25 %/24 h, event-loop
 * lag ≤ max(50 %, 50 ms)/24 h, DOM nodes ≤ 10 %/24 h, and only when the fitted rise is a trend
 * (slope > 3 standard errors: t > 3); live WebGL contexts may not rise at all. The database grows
 * with the data by design, so it is judged per stored event: its bytes fitted against the events
 * stored over the second half may grow ≤ 4 kB per event (an event takes ~0.8 kB).
 *
 * Simulated time leads the clock by (speed − 1) × elapsed, and the server refuses events further
 * ahead than MAX_EVENT_SKEW_SECONDS (at most 7 days); the soak raises that to the maximum and
 * lowers the speed for long runs so the lead stays inside it (a 24 h run goes at ×7).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectPageErrors, launchBrowser, newPage, waitForWallReady } from '../test/support/browser';
import { startServer } from '../test/support/server';
import { writeResult } from './lib/results';
import { heapGrowth, type HeapGrowth } from './lib/soak-heapdiff';
import { heldState, type Held } from './lib/soak-held';
import { judgePerUnit, judgeTrend, type Point, type Trend, type TrendRule } from './lib/soak-trend';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'interval-s': { type: 'string', default: '30' },
    speed: { type: 'string' },
    'heap-snapshots': { type: 'string' },
  },
});
const MINUTES = Number(args.minutes);
const INTERVAL_S = Number(args['interval-s']);
const MAX_SKEW_S = 7 * 86_400;
// Keep the simulated lead inside the skew limit, with a tenth to spare.
const SPEED = Number(args.speed ?? Math.min(50, Math.max(1, Math.floor(1 + (0.9 * MAX_SKEW_S) / (MINUTES * 60)))));
const TOTAL_SAMPLES = Math.floor((MINUTES * 60) / INTERVAL_S) + 1;
if (!(MINUTES > 0) || !(INTERVAL_S > 0) || !(SPEED > 0)) throw new Error('--minutes, --interval-s and --speed are positive numbers');
/** A folder: the wall's heap snapshot is written there at the start of the second half and at the end (open both in DevTools → Memory → Comparison). */
const SNAPSHOT_DIR = args['heap-snapshots'];
const WALL_TOKEN = 'soak-wall-token-0123';
const ADMIN_TOKEN = 'soak-admin-token-0123';

/**
 * The database's growth per stored event over the second half. An event is ~0.7–0.8 kB on disk
 * with its indexes and aggregates (measured); files grow in steps (8 kB pages, chunks, 16 MB WAL
 * segments), which a half of a 30-minute run (~15,000 events) sees as up to ~1 kB/event more.
 */
const DB_BYTES_PER_EVENT = 4096;

const RULES: Record<string, TrendRule> = {
  rssMB: { limitPct: 25 },
  loopLagP99Ms: { limitPct: 50, floor: 50 },
  heapMB: { limitPct: 25 },
  domNodes: { limitPct: 10 },
  webglLive: { limitPct: 0, strict: true },
};

/** Counts the page's WebGL contexts: wraps getContext before any script of the page runs. */
const WEBGL_INIT_SCRIPT = `(() => {
  const made = [];
  const orig = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const ctx = orig.call(this, type, ...rest);
    if (ctx && /^(webgl2?|experimental-webgl)$/.test(type) && !made.some((m) => m.ctx === ctx)) made.push({ canvas: new WeakRef(this), ctx: new WeakRef(ctx) });
    return ctx;
  };
  globalThis.__soakWebgl = () => {
    let live = 0;
    for (const m of made) {
      const c = m.canvas.deref(); const g = m.ctx.deref();
      if (c && g && c.isConnected && !g.isContextLost()) live++;
    }
    return { created: made.length, live };
  };
})();`;

interface Sample {
  t: number;
  rssMB: number;
  /** Where the RSS goes (reported, not judged): the main thread's V8 heap and external memory, the store thread's WASM memory and heap. */
  serverHeapMB: number;
  serverExternalMB: number;
  storeWasmMB: number;
  storeHeapMB: number;
  serverHeapTotalMB: number;
  storeHeapTotalMB: number;
  loopLagP99Ms: number;
  heapMB: number;
  domNodes: number;
  webglLive: number;
  webglCreated: number;
  dbMB: number;
  events: number;
  /** What the server's wall state holds (bench/lib/soak-held.ts). */
  held: Held;
  load1: number;
}

function metric(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

function labelled(text: string, name: string, label: string): number {
  const m = text.match(new RegExp(`^${name}\\{${label}\\} ([0-9.eE+-]+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

function sumMetric(text: string, name: string): number {
  let s = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm'))) s += Number(m[1]);
  return s;
}

/**
 * GET /metrics, tried again on a connection error: a kept-alive connection the server closes as
 * idle just as the next request goes out ends in ECONNRESET, which says nothing about a leak.
 * A server that stays unreachable fails the soak (the error propagates).
 */
async function scrape(url: string, attempts = 3): Promise<string> {
  for (let i = 1; ; i++) {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      return await res.text();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(1000);
    }
  }
}

/** The page's heap as a .heapsnapshot file (CDP streams it in chunks). */
async function wallHeapSnapshot(cdp: CDPSession, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(file);
  const onChunk = ({ chunk }: { chunk: string }) => { out.write(chunk); };
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await new Promise<void>((r) => out.end(r));
  }
  console.log(`  heap snapshot of the wall: ${file}`);
}

function dirBytes(dir: string): number {
  // du counts blocks on disk, as the operator's disk sees them.
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x));

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-soak-'));
  const dataDir = path.join(tmp, 'data');
  console.log(`soak: ${MINUTES} min, a sample every ${INTERVAL_S} s, simulator ×${SPEED}, DATA_DIR ${dataDir}`);
  const server = await startServer({
    DATA_DIR: dataDir, SIMULATE: '1', SIMULATE_SPEED: String(SPEED), MAX_EVENT_SKEW_SECONDS: String(MAX_SKEW_S),
    WALL_TOKEN, ADMIN_TOKEN,
  }, { waitForPages: true });
  const browser = await launchBrowser();
  const samples: Sample[] = [];
  const snapshots: string[] = [];
  let errors: () => string[] = () => [];
  try {
    const page = await newPage(browser, { width: 1920, height: 1080 });
    await page.addInitScript(WEBGL_INIT_SCRIPT);
    errors = collectPageErrors(page);
    await page.goto(`${server.url}/wall?token=${WALL_TOKEN}`);
    await waitForWallReady(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const t0 = performance.now();
    const end = t0 + MINUTES * 60_000;
    for (let i = 0; ; i++) {
      const metrics = await scrape(`${server.url}/metrics`);
      const held = await heldState(server.url, WALL_TOKEN);
      await cdp.send('HeapProfiler.collectGarbage');
      const perf = (await cdp.send('Performance.getMetrics')).metrics;
      const pm = (n: string) => perf.find((m) => m.name === n)?.value ?? NaN;
      const gl = await page.evaluate('globalThis.__soakWebgl()') as { created: number; live: number };
      const s: Sample = {
        t: (performance.now() - t0) / 1000,
        rssMB: metric(metrics, 'watchfloor_process_process_resident_memory_bytes') / 2 ** 20,
        serverHeapMB: metric(metrics, 'watchfloor_process_nodejs_heap_size_used_bytes') / 2 ** 20,
        serverExternalMB: metric(metrics, 'watchfloor_process_nodejs_external_memory_bytes') / 2 ** 20,
        storeWasmMB: labelled(metrics, 'watchfloor_store_memory_bytes', 'kind="wasm"') / 2 ** 20,
        storeHeapMB: labelled(metrics, 'watchfloor_store_memory_bytes', 'kind="heap_used"') / 2 ** 20,
        serverHeapTotalMB: metric(metrics, 'watchfloor_process_nodejs_heap_size_total_bytes') / 2 ** 20,
        storeHeapTotalMB: labelled(metrics, 'watchfloor_store_memory_bytes', 'kind="heap_total"') / 2 ** 20,
        loopLagP99Ms: metric(metrics, 'watchfloor_process_nodejs_eventloop_lag_p99_seconds') * 1000,
        heapMB: pm('JSHeapUsedSize') / 2 ** 20,
        domNodes: pm('Nodes'),
        webglLive: gl.live,
        webglCreated: gl.created,
        dbMB: dirBytes(dataDir) / 2 ** 20,
        events: sumMetric(metrics, 'watchfloor_events_ingested_total'),
        held,
        load1: os.loadavg()[0]!,
      };
      samples.push(s);
      console.log(`  #${String(i).padStart(3)} t=${f1(s.t).padStart(7)} s  rss ${f1(s.rssMB)} MB (heap ${f1(s.serverHeapMB)}/${f1(s.serverHeapTotalMB)} ext ${f1(s.serverExternalMB)} wasm ${f1(s.storeWasmMB)} store-heap ${f1(s.storeHeapMB)}/${f1(s.storeHeapTotalMB)})  lag p99 ${f1(s.loopLagP99Ms)} ms  heap ${f1(s.heapMB)} MB  dom ${s.domNodes}  webgl ${s.webglLive}/${s.webglCreated}  db ${f1(s.dbMB)} MB  events ${s.events}  held ${s.held.incidents} inc ${s.held.alerts} alerts ${s.held.openCases} cases seq ${s.held.seq} (${f1(s.held.snapshotKB)} kB)  load ${s.load1.toFixed(2)}`);
      const next = t0 + (i + 1) * INTERVAL_S * 1000;
      if (SNAPSHOT_DIR && (i === Math.floor(TOTAL_SAMPLES / 2) || next > end + 1)) {
        const file = path.join(SNAPSHOT_DIR, `wall-${String(i).padStart(3, '0')}.heapsnapshot`);
        await wallHeapSnapshot(cdp, file);
        snapshots.push(file);
      }
      if (next > end + 1) break;
      await sleep(Math.max(0, next - performance.now()));
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    // The run's database is measured, not kept (a 24 h run leaves GBs in the temp folder).
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  type Numeric = { [K in keyof Sample]: Sample[K] extends number ? K : never }[keyof Sample];
  const series = (k: Numeric): Point[] => samples.map((s) => ({ t: s.t, v: s[k] }));
  const trends: Record<string, Trend> = {};
  for (const [k, rule] of Object.entries(RULES)) trends[k] = judgeTrend(series(k as Numeric), rule);
  // The database, reported per stored event (it grows with the data by design).
  const mid = samples[Math.floor(samples.length / 2)]!;
  const a = samples[0]!;
  const z = samples.at(-1)!;
  const perEvent = (x: Sample, y: Sample) => (y.events > x.events ? ((y.dbMB - x.dbMB) * 2 ** 20) / (y.events - x.events) : NaN);
  const db = {
    firstMB: a.dbMB, lastMB: z.dbMB, eventsFirst: a.events, eventsLast: z.events,
    bytesPerEventFirstHalf: perEvent(a, mid), bytesPerEventSecondHalf: perEvent(mid, z),
    perEvent: judgePerUnit(samples.map((s) => ({ count: s.events, v: s.dbMB * 2 ** 20 })), DB_BYTES_PER_EVENT),
  };
  // Where the server's memory goes: reported with the same fit, not judged (RSS is).
  const breakdown: Record<string, Trend> = {};
  for (const k of ['serverHeapMB', 'serverHeapTotalMB', 'serverExternalMB', 'storeWasmMB', 'storeHeapMB', 'storeHeapTotalMB'] as const) breakdown[k] = judgeTrend(series(k), RULES.rssMB!);
  // The second half's heap growth by kind, when the snapshots were taken (compiled code levels off).
  const wallGrowth: HeapGrowth | null = snapshots.length === 2 ? heapGrowth(snapshots[0]!, snapshots[1]!) : null;
  const pageErrors = errors();
  const failed = Object.entries(trends).filter(([, t]) => t.verdict === 'fail').map(([k, t]) => `${k}: ${t.reason}`);
  if (db.perEvent.verdict === 'fail') failed.push(`db: grows ${db.perEvent.reason} over the second half`);
  const insufficient = Object.values(trends).some((t) => t.verdict === 'insufficient') || db.perEvent.verdict === 'insufficient';
  const verdict = failed.length || insufficient ? 'fail' : 'ok';
  const loadAvg = os.loadavg();
  const file = writeResult('soak', {
    minutes: MINUTES, intervalS: INTERVAL_S, simulateSpeed: SPEED, rules: RULES, samples, trends, breakdown, db, wallGrowth,
    pageErrors, loadAvgEnd: loadAvg, loadAvgMedian: samples.map((s) => s.load1).sort((x, y) => x - y)[Math.floor(samples.length / 2)],
    verdict, failed, insufficient,
  });
  for (const [k, t] of Object.entries(trends)) {
    console.log(`  ${k.padEnd(13)} first ${f1(t.first)}  last ${f1(t.last)}  median ${f1(t.median)}  slope ${t.slopePerHour.toPrecision(3)}/h → ${f1(t.growth24hPct)} %/24 h  ${t.verdict}: ${t.reason}`);
  }
  for (const [k, t] of Object.entries(breakdown)) {
    console.log(`  ${k.padEnd(16)} first ${f1(t.first)}  last ${f1(t.last)}  slope ${t.slopePerHour.toPrecision(3)}/h → ${f1(t.growth24hPct)} %/24 h (part of rss, reported)`);
  }
  console.log(`  db            ${f1(db.firstMB)} → ${f1(db.lastMB)} MB for ${db.eventsLast - db.eventsFirst} events; ${f1(db.bytesPerEventFirstHalf)} B/event first half, ${f1(db.bytesPerEventSecondHalf)} B/event second half; fitted over the second half ${f1(db.perEvent.perUnit)} B/event: ${db.perEvent.verdict} (${db.perEvent.reason})`);
  console.log(`  held          incidents ${a.held.incidents} → ${z.held.incidents}, alerts ${a.held.alerts} → ${z.held.alerts}, open cases ${a.held.openCases} → ${z.held.openCases}, snapshot ${f1(a.held.snapshotKB)} → ${f1(z.held.snapshotKB)} kB, ${z.held.seq - a.held.seq} deltas (grows by design while simulated time leads the clock, up to the caps)`);
  if (wallGrowth) console.log(`  wall heap     between the snapshots (${snapshots.map((f) => path.basename(f)).join(', ')}): ${f1(wallGrowth.fromMB)} → ${f1(wallGrowth.toMB)} MB; compiled code ${wallGrowth.codeMB >= 0 ? '+' : ''}${wallGrowth.codeMB.toFixed(2)} MB, everything else ${wallGrowth.otherMB >= 0 ? '+' : ''}${wallGrowth.otherMB.toFixed(2)} MB`);
  if (pageErrors.length) console.log(`  page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
  console.log(`  results: ${file}`);
  const key = `rss ${f1(a.rssMB)}→${f1(z.rssMB)} MB (${f1(trends.rssMB!.growth24hPct)} %/24h), heap ${f1(a.heapMB)}→${f1(z.heapMB)} MB (${f1(trends.heapMB!.growth24hPct)} %/24h), dom ${a.domNodes}→${z.domNodes}, webgl ${a.webglLive}→${z.webglLive}, lag p99 ${f1(trends.loopLagP99Ms!.median)} ms, db ${f1(z.dbMB)} MB, ${samples.length} samples over ${MINUTES} min, load ${loadAvg.map((x) => x.toFixed(2)).join(' ')}`;
  if (insufficient) failed.push(`no verdict: too few samples (${samples.length}; need 4 in the second half — run longer or sample more often), or no event stored in the second half`);
  console.log(failed.length ? `soak: fail ${failed.join('; ')} — ${key}` : `soak: ok ${key}`);
  if (failed.length) process.exitCode = 1;
}

await main();
