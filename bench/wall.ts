/**
 * `npm run bench:wall`: the wall page in headless Chromium at 3840×2160, on a synthetic
 * region of 5,000 grids and 2,000 cameras (bench/lib/synthetic-region.ts, derived from the
 * Tongguan one), after a back-fill of 50,000 calls over the last 23 h (the wall keeps the
 * newest MAX_INCIDENTS = 5,000 of them), receiving 100 deltas/s for 2 minutes. It measures the
 * page's own main-thread time per delta, and JS heap and DOM size at the start and the end
 * (both after a forced GC).
 *
 * What is measured. Chromium here renders WebGL in software (SwiftShader), so frame rate says
 * more about this machine than about the page (DESIGN.md): the figure is main-thread task
 * time from CDP `Performance.getMetrics` (TaskDuration, minus the DevTools commands the probe
 * itself ran), divided by the deltas the page received on its socket (each is applied to the
 * wall state on arrival; the wall's `data-seq`, the sequence React last rendered, is reported
 * too). Main-thread time with no deltas arriving (timers, animations) is measured first, for
 * BENCH_IDLE_SECONDS, and reported next to it; the goal is checked against the gross figure.
 * The GPU process (SwiftShader's threads) runs at nice 19 (BENCH_GPU_NICE) so that software
 * drawing does not take the cores from the page's main thread and the feed, as a real GPU
 * would not. In-page probes (init script): socket message counts, long tasks, long animation
 * frames with script attribution, a 100 ms timer for event-loop stalls, React commits.
 *
 * The feed (BENCH_FEED). `direct` (default): the page is served through a proxy in this
 * process that forwards all HTTP to the real server but answers the wall's socket.io itself,
 * with the real server's snapshot and deltas built from the load's events by the server's own
 * code (enrich → toWallDelta), at an exact rate (bench/lib/wall-feed.ts). `server`: the real
 * path, one POST /api/ingest/<topic> per delta; on this shared 2-core machine the embedded
 * server does not always keep 100 ingest transactions a second next to a software-rendering
 * browser, and the page then sees stalls, reconnects and fall-back snapshots instead.
 *
 * Load: one event per delta, open-loop at BENCH_RATE per second, interleaved by BENCH_MIX
 * (default calls:40,units:30,alerts:20,dispatch:5,cases:5; bench/lib/wall-load.ts).
 *
 * After the measured window a diagnostic window (BENCH_DIAG_SECONDS, 0 to skip) keeps the load
 * on and records a Chromium trace and a CPU profile of the page, to say where the main-thread
 * time goes (bench/lib/wall-diag.ts, wall-modules.ts); it is not part of the headline figures.
 * BENCH_DIAG_DIR keeps the raw trace (open it in DevTools' Performance panel) and profile.
 *
 * BENCH_SECONDS (120), BENCH_RATE (100), BENCH_MIX, BENCH_FEED (direct), BENCH_INCIDENTS (50000),
 * BENCH_GRIDS (5000), BENCH_CAMERAS (2000), BENCH_IDLE_SECONDS (15), BENCH_SAMPLE_SECONDS (10),
 * BENCH_DIAG_SECONDS (20), BENCH_DIAG_DIR, BENCH_RUNS (1), BENCH_CAMERAS_LAYER (1: switch the
 * cameras layer on when the map offers the toggle), BENCH_GPU_NICE (19; 0 leaves it),
 * BENCH_HEAP_SAMPLING (1: where the memory still live at the end was allocated), BENCH_WIDTH /
 * BENCH_HEIGHT (3840 / 2160) tune it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOfDay } from '@watchfloor/config/time';
import { MAX_INCIDENTS } from '@watchfloor/config/wall';
import type { Page } from 'playwright-core';
import { collectPageErrors, decodePng, launchBrowser, newPage, saveScreenshot } from '../test/support/browser';
import { startServer } from '../test/support/server';
import { waitFor } from '../test/support/wait';
import { median, writeResult } from './lib/results';
import { makeSyntheticRegion } from './lib/synthetic-region';
import { backfill, eventSource, parseMix, poster, startDriver, type DriverStats } from './lib/wall-load';
import { fetchSnapshot, startDirectFeed, type DirectFeed } from './lib/wall-feed';
import { delta, deprioritiseGpuProcess, Probe, PROBE_INIT_SCRIPT, received, type Loaf, type Sample } from './lib/wall-probe';
import { diagnose, pageScripts, type Diagnosis } from './lib/wall-diag';
import { attributeHeap, type HeapSamplingNode } from './lib/wall-modules';
import { referenceClient, type ReferenceCounts } from './lib/wall-reference-client';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 120);
const RATE = Number(env.BENCH_RATE ?? 100);
const MIX = parseMix(env.BENCH_MIX);
const INCIDENTS = Number(env.BENCH_INCIDENTS ?? 50_000);
const GRIDS = Number(env.BENCH_GRIDS ?? 5000);
const CAMERAS = Number(env.BENCH_CAMERAS ?? 2000);
const IDLE_SECONDS = Number(env.BENCH_IDLE_SECONDS ?? 15);
const SAMPLE_SECONDS = Number(env.BENCH_SAMPLE_SECONDS ?? 10);
const DIAG_SECONDS = Number(env.BENCH_DIAG_SECONDS ?? 20);
const RUNS = Number(env.BENCH_RUNS ?? 1);
const CAMERAS_LAYER = (env.BENCH_CAMERAS_LAYER ?? '1') !== '0';
const GPU_NICE = Number(env.BENCH_GPU_NICE ?? 19);
const HEAP_SAMPLING = (env.BENCH_HEAP_SAMPLING ?? '1') !== '0';
const FEED = (env.BENCH_FEED ?? 'direct') as 'direct' | 'server';
if (FEED !== 'direct' && FEED !== 'server') throw new Error('BENCH_FEED is direct or server');
const WIDTH = Number(env.BENCH_WIDTH ?? 3840);
const HEIGHT = Number(env.BENCH_HEIGHT ?? 2160);
const TZ = 'Asia/Shanghai';
const GOAL = { msPerUpdate: 8, heapGrowthPct: 5, domGrowthPct: 0 };
/** Heap growth is judged from this point of the load (s) to the end: the first minutes fill the wall's bounded buffers. */
const HEAP_FROM_S = Number(env.BENCH_HEAP_FROM_SECONDS ?? 120);
const WALL_TOKEN = 'bench-wall-token-0123';
const INGEST_TOKEN = 'bench-ingest-token-0123';

const pct = (a: number, b: number) => ((b - a) / a) * 100;
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
const sgn = (x: number) => `${x >= 0 ? '+' : ''}${f1(x)}`;

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : 0);
  return { count: s.length, p50: at(50), p90: at(90), p99: at(99), max: s.at(-1) ?? 0, sum: s.reduce((a, x) => a + x, 0) };
}

/** Long animation frames, summarised: how many, how long, and which script entry points they spent it in. */
function summariseLoaf(loaf: Loaf[], seconds: number) {
  const byInvoker = new Map<string, { ms: number; n: number }>();
  for (const f of loaf) {
    for (const s of f.scripts) {
      const key = `${s.type}: ${s.inv}`.slice(0, 120);
      const e = byInvoker.get(key) ?? { ms: 0, n: 0 };
      e.ms += s.d;
      e.n++;
      byInvoker.set(key, e);
    }
  }
  const d = percentiles(loaf.map((f) => f.d));
  return {
    perSec: loaf.length / seconds, durationMs: d, blockingMsTotal: loaf.reduce((a, f) => a + f.block, 0),
    renderMsTotal: loaf.reduce((a, f) => a + f.render, 0), styleLayoutMsTotal: loaf.reduce((a, f) => a + f.style, 0),
    scriptsByInvoker: [...byInvoker.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([k, v]) => ({ invoker: k, ms: v.ms, count: v.n })),
  };
}

/**
 * The map canvas shows at least `minColours` colours in its middle 512×512 px. A clip, not
 * the whole element: a 3840×2160 element screenshot under SwiftShader on a loaded machine
 * takes longer than Playwright's screenshot timeout, every time.
 */
async function mapDrawn(page: Page, minColours: number): Promise<boolean> {
  const box = await page.locator('[data-testid=wall-map] canvas').first().boundingBox();
  if (!box) return false;
  const side = Math.min(512, box.width, box.height);
  const clip = { x: box.x + (box.width - side) / 2, y: box.y + (box.height - side) / 2, width: side, height: side };
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  const img = decodePng(await page.screenshot({ clip, animations: 'disabled', type: 'png', timeout: 60_000 }));
  const colours = new Set<number>();
  for (let i = 0; i < img.data.length && colours.size < minColours; i += 4) colours.add(((img.data[i]! << 24) | (img.data[i + 1]! << 16) | (img.data[i + 2]! << 8) | img.data[i + 3]!) >>> 0);
  return colours.size >= minColours;
}

interface RunResult {
  run: number;
  backfill: Awaited<ReturnType<typeof backfill>>;
  pageReadySeconds: number;
  idle: ReturnType<typeof delta>;
  load: ReturnType<typeof delta> & { netMsPerDelta: number };
  /** After forced GCs. secondHalfGrowthPct: from the GC'd sample nearest mid-run to the end (a plateau reads ~0, a leak keeps growing). */
  heap: { startMB: number; endMB: number; growthPct: number; midMB: number; midT: number; secondHalfGrowthPct: number; fromMB: number; fromT: number; fromGrowthPct: number; afterGcMB: { t: number; mb: number }[] };
  dom: { startNodes: number; endNodes: number; growthPct: number; startDocumentNodes: number; endDocumentNodes: number; documentGrowthPct: number; startElements: number; endElements: number; elementsGrowthPct: number };
  samples: Sample[];
  intervals: (ReturnType<typeof delta> & { from: number; to: number })[];
  longTasks: ReturnType<typeof percentiles> & { perSec: number };
  longAnimationFrames: ReturnType<typeof summariseLoaf>;
  /** Gaps over 250 ms between the firings of a 100 ms page timer: how long the page could not run anything. */
  eventLoopStalls: ReturnType<typeof percentiles> & { perSec: number };
  driver: Omit<DriverStats, 'postMs'> & { postMs: ReturnType<typeof percentiles>; achievedPerSec: number };
  pageErrors: string[];
  /** 1/5/15-minute load averages when the measured window started and ended: other work on the machine shows here. */
  loadAvg: { start: number[]; end: number[] };
  /** Memory allocated during the measured window and still live at its end (after GC), by allocation site. */
  heapGrowth: ReturnType<typeof attributeHeap> | null;
  /** What a plain socket.io client in the benchmark process received in the measured window. */
  referenceClient: ReferenceCounts;
  diagnosis: Diagnosis | null;
}

async function runOnce(run: number): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-wall-'));
  const sr = makeSyntheticRegion({ grids: GRIDS, cameras: CAMERAS, dir: path.join(tmp, 'region') });
  console.log(`run ${run}: region ${sr.region.grids.features.length} grids, ${sr.region.villages.features.length} villages, ${sr.region.cameras.length} cameras, ${sr.region.units.length} units (${sr.dir})`);
  const server = await startServer({
    REGION_DIR: sr.dir, SIMULATE: '0', DATA_DIR: path.join(tmp, 'data'), WALL_TOKEN, INGEST_TOKEN, ADMIN_TOKEN: 'bench-admin-token-0123', TZ_CENTER: TZ,
  });
  const browser = await launchBrowser();
  let driver: ReturnType<typeof startDriver> | null = null;
  let ref: ReturnType<typeof referenceClient> | null = null;
  let feed: DirectFeed | null = null;
  try {
    const p = poster(server.url, INGEST_TOKEN);
    const dayStart = startOfDay(new Date(), TZ).getTime();
    const bf = await backfill(sr, p, { calls: INCIDENTS, hours: 23, chunk: 2000, dayStart, cases: 300, alerts: 200, seed: 1000 + run });
    console.log(`run ${run}: back-filled ${bf.calls} calls (${bf.callsToday} today) in ${f1(bf.seconds)} s (${Math.round(bf.callsPerSec)} calls/s)`);

    let origin = server.url;
    if (FEED === 'direct') {
      // The direct feed keeps the snapshot's figures and never asks the server again, so take a
      // snapshot whose figures (refreshed by the server every 30 s) already count the back-fill.
      let snapshot = await fetchSnapshot(server.url, WALL_TOKEN);
      for (const until = Date.now() + 90_000; snapshot.figures.callsToday !== bf.callsToday && Date.now() < until; snapshot = await fetchSnapshot(server.url, WALL_TOKEN)) await sleep(2000);
      feed = await startDirectFeed({ upstream: server.url, tokens: [WALL_TOKEN], snapshot, sr, tz: TZ });
      origin = feed.url;
      console.log(`run ${run}: direct feed at ${feed.url} (snapshot seq ${snapshot.seq}, ${snapshot.incidents.length} incidents)`);
    }
    const page = await newPage(browser, { width: WIDTH, height: HEIGHT });
    await page.addInitScript(PROBE_INIT_SCRIPT);
    const errors = collectPageErrors(page);
    const tPage = performance.now();
    await page.goto(`${origin}/wall?token=${WALL_TOKEN}`);
    await page.locator('[data-testid=wall-map] canvas').first().waitFor({ timeout: 120_000 }).catch((err: Error) => {
      // Say why the wall did not come up (its page errors), not only that it timed out.
      throw new Error(`${err.message}\npage errors: ${errors().join('\n') || 'none'}`);
    });
    const stage = (what: string) => console.log(`run ${run}: ${what} after ${f1((performance.now() - tPage) / 1000)} s`);
    stage('map canvas up');
    const map = page.getByTestId('wall-map');
    const wantIncidents = Math.min(INCIDENTS, MAX_INCIDENTS);
    await waitFor('all incidents on the map', async () => Number(await map.getAttribute('data-incidents')), (n) => n >= wantIncidents, 60_000, 250);
    // The KPI counts to its value over 600 ms; the server's figures refresh (every 30 s) may
    // still be catching up with the back-fill, so accept its increments converging too.
    stage('all incidents on the map');
    await waitFor('the calls-today KPI', async () => Number(await page.getByTestId('kpi-calls-today').getAttribute('data-value')), (n) => n === bf.callsToday, 60_000, 250);
    stage('the calls-today KPI at the back-fill\'s count');
    await waitFor('the map drawn', () => mapDrawn(page, 50), (ok) => ok, 60_000, 500);
    stage('the map drawn');
    if (await page.getByTestId('wall-map').getAttribute('data-seq') === null) throw new Error('the wall map has no data-seq attribute: the benchmark counts applied deltas with it');
    if (CAMERAS_LAYER) {
      const toggle = page.locator('input[data-layer=cameras]');
      // The kiosk wall hides its controls until a pointer moves; a click event on the checkbox
      // switches the layer without waking them (and without a pointer over the map).
      if ((await toggle.count()) && !(await toggle.isChecked())) {
        await toggle.dispatchEvent('click');
        await waitFor('the cameras layer shown', async () => (await map.getAttribute('data-layers')) ?? '', (v) => /\bcameras\b/.test(v), 30_000, 250);
      }
    }
    const layers = await map.getAttribute('data-layers');
    const pageReadySeconds = (performance.now() - tPage) / 1000;
    const gpuThreads = GPU_NICE ? deprioritiseGpuProcess(GPU_NICE) : 0;
    if (GPU_NICE && gpuThreads === 0) console.log(`run ${run}: warning: no GPU process found to deprioritise`);
    console.log(`run ${run}: wall ready in ${f1(pageReadySeconds)} s at ${WIDTH}×${HEIGHT}${layers ? ` (layers: ${layers})` : ''}`);
    const scripts = await pageScripts(page);
    await sleep(5000); // let start-up work (chart init, number animations, glyph atlas) finish

    let loadStart = 0;
    const probe = await Probe.attach(page, () => (performance.now() - loadStart) / 1000);
    loadStart = performance.now() + IDLE_SECONDS * 1000;
    const samples: Sample[] = [];
    const show = (s: Sample, prev: Sample | null) => {
      if (GPU_NICE) deprioritiseGpuProcess(GPU_NICE);
      samples.push(s);
      const d = prev ? delta(prev, s) : null;
      console.log(`  [${s.label.padEnd(9)}] t=${f1(s.t).padStart(6)} s  heap ${f1(s.heapUsedMB)} MB${s.gc ? ' (after GC)' : ''}  nodes ${s.nodes} (document ${s.page.documentNodes}, elements ${s.page.elements})`
        + (d ? `  | ${d.applied} deltas (${f1(d.deltasPerSec)}/s; React commits ${d.reactCommits}, ${d.commits} with new state)  main thread ${Math.round(d.taskMs)} ms (${f1(d.busyPct)}% busy, script ${Math.round(d.scriptMs)}, style ${Math.round(d.styleMs)}, layout ${Math.round(d.layoutMs)})`
          + `  ${d.applied ? `${f2(d.msPerDelta)} ms/delta` : ''}  long tasks ${d.longTasks}` : ''));
      return s;
    };
    ref = referenceClient(origin, WALL_TOKEN);
    const idleStart = show(await probe.sample('idle', { gc: true }), null);
    await sleep(IDLE_SECONDS * 1000);
    const start = show(await probe.sample('start', { gc: true }), idleStart);
    const startAt = performance.now();
    // The idle window on the clock it was sampled with (the load's start is not yet known).
    const idle = delta(idleStart, start);
    // What stays allocated from here on, by allocation site (V8's sampling heap profiler, low overhead).
    if (HEAP_SAMPLING) await probe.session.send('HeapProfiler.startSampling', { samplingInterval: 16_384 });
    const pageT0 = await probe.pageNow();
    const loadAvgStart = os.loadavg();

    const ref0 = ref.counts();
    ref.resetGaps();
    const events = eventSource(sr, { mix: MIX, seed: 2000 + run });
    const direct = feed;
    driver = startDriver(events, direct ? (topic, event) => direct.publish(topic, event) : (topic, event) => p.post(topic, [event]), { rate: RATE });
    loadStart = performance.now();
    // On a loaded machine the forced GC and the profiler's start take seconds: the load's
    // clock starts now, and the start sample sits where it was taken, just before it.
    start.t = Math.round((startAt - loadStart) / 100) / 10;
    let prev = start;
    let gcAt = 0;
    for (let k = 1; k * SAMPLE_SECONDS < SECONDS; k++) {
      await sleep(Math.max(0, loadStart + k * SAMPLE_SECONDS * 1000 - performance.now()));
      // A starved page or machine can take longer than an interval to answer a sample: skip
      // the ones already overdue, so that the run still ends on time.
      k = Math.max(k, Math.floor((performance.now() - loadStart) / 1000 / SAMPLE_SECONDS));
      if (k * SAMPLE_SECONDS >= SECONDS) break;
      // A forced GC every 30 s (at the first sample past each 30 s mark): the heap after GC over time tells a plateau from a leak.
      const gc = Math.floor((k * SAMPLE_SECONDS) / 30) > Math.floor(gcAt / 30);
      if (gc) gcAt = k * SAMPLE_SECONDS;
      prev = show(await probe.sample(`${k * SAMPLE_SECONDS} s`, { gc }), prev);
    }
    await sleep(Math.max(0, loadStart + SECONDS * 1000 - performance.now()));
    const end = show(await probe.sample('end'), prev);
    const endGc = show(await probe.sample('end+gc', { gc: true }), null);
    let heapGrowth: ReturnType<typeof attributeHeap> | null = null;
    if (HEAP_SAMPLING) {
      const { profile } = (await probe.session.send('HeapProfiler.getSamplingProfile')) as unknown as { profile: { head: HeapSamplingNode } };
      await probe.session.send('HeapProfiler.stopSampling');
      heapGrowth = attributeHeap(profile.head, scripts);
    }
    const pageT1 = await probe.pageNow();
    const dstats = driver.stats();
    const loadAvgEnd = os.loadavg();
    const ref1 = ref.counts();

    let diagnosis: Diagnosis | null = null;
    if (DIAG_SECONDS > 0) {
      console.log(`run ${run}: diagnostic window, ${DIAG_SECONDS} s of CPU profile and trace under the same load…`);
      diagnosis = await diagnose(browser, page, probe.session, scripts, DIAG_SECONDS, async () => {
        const c = await probe.counters();
        return { deltas: received(c), commits: c.commits, reactCommits: c.reactCommits };
      });
    }
    const finalDriver = await driver.stop();
    driver = null;
    await saveScreenshot(page, `bench-wall-${WIDTH}x${HEIGHT}`).catch(() => undefined);

    const loadD = delta(start, end);
    const idleMsPerSec = idle.taskMs / idle.seconds;
    const load = { ...loadD, netMsPerDelta: (loadD.taskMs - idleMsPerSec * loadD.seconds) / loadD.applied };
    const intervals = samples.filter((s) => s.label !== 'idle' && s.label !== 'end+gc').reduce<{ from: number; to: number; d: ReturnType<typeof delta> }[]>((acc, s, i, arr) => {
      if (i > 0 && arr[i - 1]!.t >= 0) acc.push({ from: arr[i - 1]!.t, to: s.t, d: delta(arr[i - 1]!, s) });
      return acc;
    }, []).map((x) => ({ from: x.from, to: x.to, ...x.d }));
    const lf = await probe.longFrames(pageT0, pageT1);
    const seconds = (pageT1 - pageT0) / 1000;
    const { postMs, ...driverRest } = dstats;
    return {
      run, backfill: bf, pageReadySeconds, idle, load,
      heap: (() => {
        const gcd = samples.filter((x) => x.gc && x.label !== 'idle');
        const nearest = (t: number) => gcd.filter((x) => x.label !== 'start' && x.label !== 'end+gc').reduce<Sample | null>((b, x) => (!b || Math.abs(x.t - t) < Math.abs(b.t - t) ? x : b), null) ?? start;
        const mid = nearest(SECONDS / 2);
        const from = nearest(HEAP_FROM_S);
        return {
          startMB: start.heapUsedMB, endMB: endGc.heapUsedMB, growthPct: pct(start.heapUsedMB, endGc.heapUsedMB),
          midMB: mid.heapUsedMB, midT: mid.t, secondHalfGrowthPct: pct(mid.heapUsedMB, endGc.heapUsedMB),
          fromMB: from.heapUsedMB, fromT: from.t, fromGrowthPct: pct(from.heapUsedMB, endGc.heapUsedMB),
          afterGcMB: gcd.map((x) => ({ t: x.t, mb: x.heapUsedMB })),
        };
      })(),
      dom: {
        startNodes: start.nodes, endNodes: endGc.nodes, growthPct: pct(start.nodes, endGc.nodes),
        startDocumentNodes: start.page.documentNodes, endDocumentNodes: endGc.page.documentNodes, documentGrowthPct: pct(start.page.documentNodes, endGc.page.documentNodes),
        startElements: start.page.elements, endElements: endGc.page.elements, elementsGrowthPct: pct(start.page.elements, endGc.page.elements),
      },
      samples, intervals,
      longTasks: { ...percentiles(lf.long.map(([, d]) => d)), perSec: lf.long.length / seconds },
      longAnimationFrames: summariseLoaf(lf.loaf, seconds),
      eventLoopStalls: { ...percentiles(lf.lag.map(([, d]) => d)), perSec: lf.lag.length / seconds },
      driver: { ...driverRest, byTopic: finalDriver.byTopic, postMs: percentiles(postMs), achievedPerSec: dstats.done / SECONDS },
      pageErrors: errors(),
      loadAvg: { start: loadAvgStart, end: loadAvgEnd },
      heapGrowth,
      referenceClient: { ...ref1, deltas: ref1.deltas - ref0.deltas, ticks: ref1.ticks - ref0.ticks, snapshots: ref1.snapshots - ref0.snapshots, disconnects: ref1.disconnects - ref0.disconnects },
      diagnosis,
    };
  } finally {
    await driver?.stop().catch(() => undefined);
    ref?.close();
    await feed?.close();
    await browser.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function report(r: RunResult): void {
  console.log(`run ${r.run}: idle ${f1(r.idle.taskMs / r.idle.seconds)} ms main thread per s (${f1(r.idle.busyPct)}% busy) with no deltas`);
  const sent = FEED === 'server'
    ? `${r.driver.done} POSTs answered, ${r.driver.failed} failed, POST p50 ${f1(r.driver.postMs.p50)} ms p99 ${f1(r.driver.postMs.p99)} ms`
    : `${r.driver.done} published by the direct feed`;
  console.log(`run ${r.run}: ${r.load.applied} deltas received in ${f1(r.load.seconds)} s (${f1(r.load.deltasPerSec)}/s; ${sent}; ${r.load.snapshots} fall-back snapshots; `
    + `rendered seq advanced ${r.load.renderedSeq})`);
  const rc = r.referenceClient;
  console.log(`run ${r.run}: reference socket.io client (in the benchmark process) received ${rc.deltas} deltas, ${rc.ticks} ticks, ${rc.snapshots} snapshots, ${rc.disconnects} disconnects; longest gap ${Math.round(rc.maxGapMs)} ms`);
  console.log(`run ${r.run}: main thread ${Math.round(r.load.taskMs)} ms = ${f1(r.load.busyPct)}% busy = ${f2(r.load.msPerDelta)} ms per delta `
    + `(${f2(r.load.netMsPerDelta)} ms above idle; CPU ${f2(r.load.cpuMsPerDelta)} ms); script ${Math.round(r.load.scriptMs)} ms, style ${Math.round(r.load.styleMs)} ms, layout ${Math.round(r.load.layoutMs)} ms`);
  console.log(`run ${r.run}: React committed ${r.load.reactCommits} times (${f1(r.load.reactCommits / r.load.seconds)}/s), ${r.load.commits} of them a new wall state `
    + `(${f2(r.load.commits / r.load.seconds)}/s, ${Math.round(r.load.applied / Math.max(1, r.load.commits))} deltas coalesced per state render: frames are rare under SwiftShader)`);
  console.log(`run ${r.run}: long tasks ${r.longTasks.count} (${f1(r.longTasks.perSec)}/s, p50 ${r.longTasks.p50} ms, p90 ${r.longTasks.p90} ms, max ${r.longTasks.max} ms, ${Math.round(r.longTasks.sum)} ms in all); `
    + `long animation frames ${r.longAnimationFrames.durationMs.count} (p50 ${r.longAnimationFrames.durationMs.p50} ms, p90 ${r.longAnimationFrames.durationMs.p90} ms)`);
  console.log(`run ${r.run}: event-loop stalls over 250 ms: ${r.eventLoopStalls.count} (p50 ${r.eventLoopStalls.p50} ms, max ${r.eventLoopStalls.max} ms, ${Math.round(r.eventLoopStalls.sum)} ms in all)`);
  for (const s of r.longAnimationFrames.scriptsByInvoker.slice(0, 6)) console.log(`    long-frame script time ${String(Math.round(s.ms)).padStart(6)} ms in ${String(s.count).padStart(5)} × ${s.invoker}`);
  console.log(`run ${r.run}: heap after GC ${r.heap.afterGcMB.map((x) => `${f1(x.mb)} MB @${Math.round(x.t)} s`).join(', ')}: ${sgn(r.heap.growthPct)}% start → end, `
    + `${sgn(r.heap.secondHalfGrowthPct)}% from ${Math.round(r.heap.midT)} s to the end, ${sgn(r.heap.fromGrowthPct)}% from ${Math.round(r.heap.fromT)} s (${f1(r.heap.fromMB)} MB) to the end`);
  if (r.heapGrowth) {
    console.log(`run ${r.run}: allocated during the window and still live at its end (sampled; replacements of older objects included): ${Math.round(r.heapGrowth.totalKB)} KB; by site:`);
    for (const x of r.heapGrowth.bySite.slice(0, 8)) console.log(`    ${String(Math.round(x.kb)).padStart(6)} KB  ${x.k}`);
  }
  console.log(`run ${r.run}: DOM nodes in the document ${r.dom.startDocumentNodes} → ${r.dom.endDocumentNodes} (${sgn(r.dom.documentGrowthPct)}%), elements ${r.dom.startElements} → ${r.dom.endElements}; `
    + `renderer Nodes incl. detached ones not yet freed (CDP, after GC) ${r.dom.startNodes} → ${r.dom.endNodes} (${sgn(r.dom.growthPct)}%)`);
  console.log(`run ${r.run}: machine load average ${r.loadAvg.start.map(f1).join('/')} at start, ${r.loadAvg.end.map(f1).join('/')} at end (${os.cpus().length} cores)`);
  if (r.pageErrors.length) console.log(`run ${r.run}: page errors: ${r.pageErrors.slice(0, 5).join(' | ')}`);
}

async function main(): Promise<void> {
  console.log(`wall benchmark (${FEED} feed): ${WIDTH}×${HEIGHT}, ${GRIDS} grids, ${INCIDENTS} incidents, ${CAMERAS} cameras, ${RATE} deltas/s for ${SECONDS} s `
    + `(mix ${Object.entries(MIX).map(([k, v]) => `${k} ${v}`).join(', ')}), ${RUNS} run(s)`);
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await runOnce(run);
    runs.push(r);
    report(r);
    if (r.diagnosis) for (const line of r.diagnosis.lines) console.log(`  diag: ${line}`);
  }
  const result = {
    msPerUpdate: median(runs.map((r) => r.load.msPerDelta)),
    netMsPerUpdate: median(runs.map((r) => r.load.netMsPerDelta)),
    cpuMsPerUpdate: median(runs.map((r) => r.load.cpuMsPerDelta)),
    mainThreadBusyPct: median(runs.map((r) => r.load.busyPct)),
    idleBusyPct: median(runs.map((r) => r.idle.busyPct)),
    deltasPerSec: median(runs.map((r) => r.load.deltasPerSec)),
    heapGrowthPct: median(runs.map((r) => r.heap.growthPct)),
    heapSecondHalfGrowthPct: median(runs.map((r) => r.heap.secondHalfGrowthPct)),
    /** From the GC'd sample nearest BENCH_HEAP_FROM_SECONDS (minute 2) to the end: the leak figure the goal is checked on. */
    heapFromMinute2GrowthPct: median(runs.map((r) => r.heap.fromGrowthPct)),
    heapFromT: median(runs.map((r) => r.heap.fromT)),
    /** Nodes in the document (what the page shows). */
    domGrowthPct: median(runs.map((r) => r.dom.documentGrowthPct)),
    /** Renderer-wide Nodes from CDP after GC, detached ones included: the leak check. */
    rendererNodesGrowthPct: median(runs.map((r) => r.dom.growthPct)),
    heapStartMB: median(runs.map((r) => r.heap.startMB)),
    heapEndMB: median(runs.map((r) => r.heap.endMB)),
    domStartNodes: median(runs.map((r) => r.dom.startDocumentNodes)),
    domEndNodes: median(runs.map((r) => r.dom.endDocumentNodes)),
    rendererStartNodes: median(runs.map((r) => r.dom.startNodes)),
    rendererEndNodes: median(runs.map((r) => r.dom.endNodes)),
  };
  // Heap from minute 2 (when the run is long enough to have one; the whole window otherwise).
  const heapJudged = SECONDS > HEAP_FROM_S ? result.heapFromMinute2GrowthPct : result.heapGrowthPct;
  const met = { msPerUpdate: result.msPerUpdate <= GOAL.msPerUpdate, heap: heapJudged <= GOAL.heapGrowthPct, dom: result.domGrowthPct <= GOAL.domGrowthPct };
  const file = writeResult('wall', {
    goal: GOAL,
    config: { feed: FEED, gpuNice: GPU_NICE, heapSampling: HEAP_SAMPLING, width: WIDTH, height: HEIGHT, grids: GRIDS, incidents: INCIDENTS, cameras: CAMERAS, rate: RATE, mix: MIX, seconds: SECONDS, idleSeconds: IDLE_SECONDS, sampleSeconds: SAMPLE_SECONDS, diagSeconds: DIAG_SECONDS, runs: RUNS, camerasLayer: CAMERAS_LAYER, maxIncidentsOnWall: MAX_INCIDENTS },
    result, met, runs,
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  console.log(`wall: ${f2(result.msPerUpdate)} ms main-thread per update, heap ${sgn(result.heapFromMinute2GrowthPct)}% minute ${f1(result.heapFromT / 60)} → end (${sgn(result.heapGrowthPct)}% start → end), DOM ${sgn(result.domGrowthPct)}% `
    + `(goals ≤ ${GOAL.msPerUpdate} ms: ${met.msPerUpdate ? 'met' : 'NOT met'}, heap ≤ ${GOAL.heapGrowthPct}%: ${met.heap ? 'met' : 'NOT met'}, DOM ≤ ${GOAL.domGrowthPct}%: ${met.dom ? 'met' : 'NOT met'}; `
    + `${f2(result.netMsPerUpdate)} ms above idle, ${f1(result.mainThreadBusyPct)}% busy, ${f1(result.deltasPerSec)} deltas/s, ${FEED} feed; `
    + `heap ${sgn(result.heapSecondHalfGrowthPct)}% over the second half, renderer nodes incl. detached ${sgn(result.rendererNodesGrowthPct)}%; `
    + `median of ${runs.length} run(s) of ${SECONDS} s, load average ${runs.map((r) => f1(r.loadAvg.end[0]!)).join('/')} at their ends on ${os.cpus().length} cores)`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
