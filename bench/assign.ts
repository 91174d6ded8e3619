/**
 * `npm run bench:assign`: from a dispatcher's assignment to the wall showing it, embedded mode.
 *
 * Each run starts a fresh server (`npm start`, SIMULATE=0, its own DATA_DIR and tokens), creates
 * a dispatcher through the API and signs them in (cookie session, CSRF token), reports
 * BENCH_INCIDENTS + 10 units available, and connects one socket.io wall client. Then, one
 * incident at a time (closed loop, so each figure is one assignment on an otherwise idle server):
 *   reference: a call is POSTed to /api/ingest/police.calls; measured from the POST being sent
 *     to the wall's `calls` delta naming it — the path every call takes to the wall;
 *   assignment: the signed-in dispatcher POSTs /api/incidents/<id>/assign with a free unit;
 *     measured from the POST being sent to the wall's `dispatches` delta naming the incident —
 *     what the issue calls "the assign click to the wall's update", without the browser.
 * Both on one clock (this process's performance.now), client and server on this machine.
 * An assignment that is refused, or a delta that never arrives, fails the run.
 *
 * BENCH_INCIDENTS (120), BENCH_RUNS (3) tune it. The headline is the median over runs of each
 * run's p50 and p99 (nearest rank).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WallDelta } from '@watchfloor/config/wall';
import { call } from '../test/support/events';
import { tongguan } from '../test/support/region';
import { startServer, type RunningServer } from '../test/support/server';
import { watchWall, type WallWatcher } from '../test/support/wall-watcher';
import { median, writeResult } from './lib/results';
import { groupCpuSeconds } from './lib/server';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 120);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DELTA_TIMEOUT_MS = 15_000;

const now = () => performance.now();

interface Dist { p50: number; p90: number; p99: number; max: number; count: number }

function dist(xs: readonly number[]): Dist {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : Number.NaN);
  return { p50: at(50), p90: at(90), p99: at(99), max: s.length ? s[s.length - 1]! : Number.NaN, count: s.length };
}

/** Resolves with the receipt time of the first delta that `match` accepts (deltas and batches of them alike). */
function deltaArrival(wall: WallWatcher, match: (d: WallDelta) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onOne = (d: WallDelta) => { if (match(d)) done(now()); };
    const onMany = (ds: WallDelta[]) => { if (ds.some(match)) done(now()); };
    const timer = setTimeout(() => { off(); reject(new Error(`no matching wall delta within ${DELTA_TIMEOUT_MS} ms`)); }, DELTA_TIMEOUT_MS);
    const off = () => { clearTimeout(timer); wall.socket.off('delta', onOne); wall.socket.off('deltas', onMany); };
    const done = (t: number) => { off(); resolve(t); };
    wall.socket.on('delta', onOne);
    wall.socket.on('deltas', onMany);
  });
}

interface RunResult { run: number; assignMs: Dist; referenceCallMs: Dist; serverCpuSeconds: number; loadAvg: number[] }

async function runOnce(run: number): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-assign-'));
  const marker = `bench-assign-${crypto.randomBytes(6).toString('hex')}`;
  const tokens = { wall: `${marker}-wall`, ingest: `${marker}-ingest`, admin: `${marker}-admin` };
  const duty = { name: 'bench-duty', password: `${marker}-pw` };
  const idPrefix = `BA${run}${crypto.randomBytes(3).toString('hex')}x`;
  const region = tongguan();
  let server: RunningServer | null = null;
  let wall: WallWatcher | null = null;
  try {
    server = await startServer({
      DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: tokens.wall, INGEST_TOKEN: tokens.ingest, ADMIN_TOKEN: tokens.admin, LOGIN_RATE_LIMIT: '100',
    }, { readyTimeoutMs: 600_000, waitForPages: true });
    const url = server.url;
    const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const must = async (r: Response, status = 200) => {
      if (r.status !== status) throw new Error(`${r.url}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`);
      return r;
    };
    await must(await fetch(`${url}/api/users`, { method: 'POST', ...json({ name: duty.name, role: 'dispatcher', password: duty.password }, { authorization: `Bearer ${tokens.admin}` }) }), 201);
    const login = await must(await fetch(`${url}/api/auth/login`, { method: 'POST', ...json({ username: duty.name, password: duty.password }) }));
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!;
    const ingest = (topic: string, items: unknown[]) => fetch(`${url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.ingest}` }, body: JSON.stringify(items) });

    // Enough free units that every assignment finds one, each near a camera of the county.
    const unitIds = Array.from({ length: INCIDENTS + 10 }, (_, i) => `BU${run}-${i}`);
    const at = new Date(Date.now() - 1000).toISOString();
    await must(await ingest('unit.status', unitIds.map((unitId, i) => {
      const cam = region.cameras[i % region.cameras.length]!;
      return { unitId, at, status: 'available', position: { lon: cam.lon, lat: cam.lat } };
    })));
    wall = await watchWall(url, tokens.wall);
    const w = wall;

    const cpu0 = groupCpuSeconds(server.pgid);
    const assignMs: number[] = [];
    const referenceMs: number[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const id = `${idPrefix}${i}`;
      const cam = region.cameras[(i * 7) % region.cameras.length]!;
      const c = call({ id, receivedAt: new Date().toISOString(), priority: 1, location: { lon: cam.lon, lat: cam.lat, address: '某路1号' } });
      const seenCall = deltaArrival(w, (d) => d.type === 'calls' && d.items.some((x) => x.id === id));
      const t0 = now();
      await must(await ingest('police.calls', [c]));
      referenceMs.push((await seenCall) - t0);

      const seenDispatch = deltaArrival(w, (d) => d.type === 'dispatches' && d.items.some((x) => x.incidentId === id));
      const t1 = now();
      await must(await fetch(`${url}/api/incidents/${id}/assign`, { method: 'POST', ...json({ unitId: unitIds[i]!, expectedVersion: 0 }, { cookie, 'x-csrf-token': csrfToken }) }));
      assignMs.push((await seenDispatch) - t1);
    }
    const result: RunResult = {
      run, assignMs: dist(assignMs), referenceCallMs: dist(referenceMs),
      serverCpuSeconds: Math.round((groupCpuSeconds(server.pgid) - cpu0) * 100) / 100, loadAvg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    };
    console.log(`[bench:assign] run ${run}: assign p50 ${result.assignMs.p50.toFixed(1)} ms, p99 ${result.assignMs.p99.toFixed(1)} ms; reference call p50 ${result.referenceCallMs.p50.toFixed(1)} ms, p99 ${result.referenceCallMs.p99.toFixed(1)} ms`);
    return result;
  } finally {
    wall?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs: RunResult[] = [];
  for (let r = 1; r <= RUNS; r++) runs.push(await runOnce(r));
  const med = (f: (x: RunResult) => number) => Math.round(median(runs.map(f)) * 10) / 10;
  const headline = {
    assignP50Ms: med((x) => x.assignMs.p50), assignP99Ms: med((x) => x.assignMs.p99),
    referenceCallP50Ms: med((x) => x.referenceCallMs.p50), referenceCallP99Ms: med((x) => x.referenceCallMs.p99),
  };
  const file = writeResult('assign', { incidentsPerRun: INCIDENTS, runs: RUNS, mode: 'embedded, closed loop, one dispatcher, one wall client', headline, perRun: runs });
  console.log(`[bench:assign] wrote ${file}`);
  console.log(`assign: p50 ${headline.assignP50Ms} ms, p99 ${headline.assignP99Ms} ms (reference call p50 ${headline.referenceCallP50Ms} ms)`);
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(`[bench:assign] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
