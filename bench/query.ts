/**
 * `npm run bench:query`: read-side speed over one year of a county's history.
 *
 * The year (BENCH_EVENTS events, default 5,000,000: calls with their incidents, camera alerts,
 * case changes with their cases, unit positions, and warnings) is loaded straight into the
 * tables by INSERT … SELECT over generate_series inside the store — the same bulk path as COPY,
 * without shipping rows from node — placed in the real Tongguan grids, cameras and units,
 * spread evenly over the 365 days before now. Then, on the same store:
 *   briefing-week    the briefing API's figures for the last full Monday–Sunday,
 *   briefing-quarter the same for the last 13 weeks,
 *   snapshot         the wall's snapshot (loadWallState, last 24 h, one repeatable-read transaction),
 *   reference        a bare count of the week's calls, the floor any figure over that week pays;
 *   replay seek      bench/replay.ts's cold seeks (BENCH_REPLAY_SEEKS, default 10) to moments of the last week;
 * p50 and p95 of each over BENCH_ITERATIONS (after warm-up), on native PostgreSQL (compatibility
 * mode, plain tables with time indexes) and on the embedded store (PGlite with TimescaleDB
 * hypertables). The embedded store is loaded with BENCH_EMBEDDED_EVENTS (default 1,000,000: one
 * WASM core loading 5 M rows takes longer than the run is worth); its figures are labelled with
 * the scale. There are no continuous aggregates left to compare (migration 005 dropped them: late
 * events made them inexact); counts over days read the day rollups the writers keep exact
 * (migration 013; the load rebuilds them, as any bulk load past the writers must), the rest the
 * hypertables through their time indexes.
 *
 * Last line: `query: briefing-week p95 <ms>, snapshot p95 <ms>` (native PostgreSQL, full year).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastWeek } from '@watchfloor/config/briefing';
import { loadRulesConfig } from '@watchfloor/config/rules';
import { makeWorkCalendar } from '@watchfloor/ingest/rules/workCalendar';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { _parts, briefing } from '@watchfloor/ingest/store/queries/briefing';
import { loadWallState } from '../web/src/server/live/wall-hub';
import { createTempDatabase } from '../test/support/postgres';
import { tongguan } from '../test/support/region';
import { writeResult } from './lib/results';
import { benchReplaySeek } from './replay';

const TZ = 'Asia/Shanghai';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const EMBEDDED_EVENTS = Number(process.env.BENCH_EMBEDDED_EVENTS ?? 1_000_000);
const ITER = Number(process.env.BENCH_ITERATIONS ?? 15);
const STORES = (process.env.BENCH_STORES ?? 'postgres,embedded').split(',');
const CHUNK = 200_000;
const YEAR_S = 365 * 86_400;
const SEEKS = Number(process.env.BENCH_REPLAY_SEEKS ?? 10);
const GOAL = { weekP95Ms: 300, quarterP95Ms: 1000, snapshotP95Ms: 50, replaySeekP95Ms: 1000 };

const region = tongguan();
const grids = region.grids.features.map((f) => f.properties);
const cams = region.cameras;
const units = region.units;
const CATS = ['criminal', 'public_order', 'traffic', 'fraud', 'dispute.family', 'dispute.neighbor', 'dispute.debt', 'dispute.land', 'dispute.labor', 'help', 'fire', 'other'];
const ALERTS = ['crowd', 'intrusion', 'fire_smoke', 'fight', 'vehicle_violation', 'water_danger', 'camera_offline'];
const RULES = ['grid_surge', 'category_surge', 'repeat_dispute', 'case_deadline', 'red_case', 'camera_online', 'crowd_cluster', 'dispatch_delay'];

/** The year's mix: shares of the event count (calls count once, their incident row rides along). */
function mix(total: number) {
  return { calls: Math.round(total * 0.2), alerts: Math.round(total * 0.5), caseEvents: Math.round(total * 0.1), unitEvents: Math.round(total * 0.2), warnings: Math.round(total * 0.004) };
}

async function chunks(n: number, run: (lo: number, hi: number) => Promise<unknown>) {
  for (let lo = 0; lo < n; lo += CHUNK) await run(lo, Math.min(n, lo + CHUNK));
}

async function load(db: Db, total: number, end: Date): Promise<{ ms: number; rows: Record<string, number> }> {
  const t0 = performance.now();
  const m = mix(total);
  const start = new Date(end.getTime() - YEAR_S * 1000).toISOString();
  const G = [grids.map((g) => g.code), grids.map((g) => g.villageCode), grids.map((g) => g.townCode)];
  // Event i of n sits at start + i × (year / n) seconds; grid, category… cycle through co-prime strides.
  await chunks(m.calls, (lo, hi) => db.query(
    `INSERT INTO calls (id, received_at, category, priority, summary, lon, lat, grid_id, village_code, town_code, source)
     SELECT 'BC' || i, $1::timestamptz + make_interval(secs => i * $4::float8), ($5::text[])[1 + (i * 7) % 12], 1 + i % 3, '', 110.25, 34.5,
            ($6::text[])[1 + (i * 31) % $9], ($7::text[])[1 + (i * 31) % $9], ($8::text[])[1 + (i * 31) % $9], 'phone'
     FROM generate_series($2::int, $3::int - 1) AS i`,
    [start, lo, hi, YEAR_S / m.calls, CATS, ...G, grids.length]));
  // Each call's incident, computed from the same i (no read back of the calls).
  await chunks(m.calls, (lo, hi) => db.query(
    `INSERT INTO incidents (call_id, received_at, category, priority, grid_id, town_code, lon, lat, unit_id, dispatched_at, on_scene_at, handled_at, closed_at)
     SELECT 'BC' || i, t, ($5::text[])[1 + (i * 7) % 12], 1 + i % 3, ($6::text[])[1 + (i * 31) % $8], ($7::text[])[1 + (i * 31) % $8], 110.25, 34.5,
            ($9::text[])[1 + (i * 13) % $10], t + make_interval(secs => 30 + i % 600), t + make_interval(secs => 300 + i % 1500),
            t + make_interval(secs => 2400 + i % 3600), t + make_interval(secs => 4200 + i % 3600)
     FROM generate_series($2::int, $3::int - 1) AS i, LATERAL (SELECT $1::timestamptz + make_interval(secs => i * $4::float8) AS t) x`,
    [start, lo, hi, YEAR_S / m.calls, CATS, G[0], G[2], grids.length, units.map((u) => u.id), units.length]));
  await chunks(m.alerts, (lo, hi) => db.query(
    `INSERT INTO alerts (id, camera_id, occurred_at, type, confidence, lon, lat, grid_id, village_code, town_code)
     SELECT 'BA' || i, ($4::text[])[1 + (i * 17) % $8], $1::timestamptz + make_interval(secs => i * $9::float8), ($10::text[])[1 + (i * 5) % 7], 0.9, 110.25, 34.5,
            ($5::text[])[1 + (i * 17) % $8], ($6::text[])[1 + (i * 17) % $8], ($7::text[])[1 + (i * 17) % $8]
     FROM generate_series($2::int, $3::int - 1) AS i`,
    [start, lo, hi, cams.map((c) => c.id), cams.map((c) => c.gridId), cams.map((c) => region.gridById.get(c.gridId)!.villageCode), cams.map((c) => c.townCode), cams.length, YEAR_S / m.alerts, ALERTS]));
  // Cases: four changes each (registered at grid, mediating, escalated a level, resolved), a day apart.
  const nCases = Math.floor(m.caseEvents / 4);
  await chunks(nCases, (lo, hi) => db.query(
    `INSERT INTO case_events (case_id, changed_at, kind, category, status, level, risk, grid_id, village_code, town_code)
     SELECT 'BK' || i, $1::timestamptz + make_interval(secs => i * $4::float8 + s.k * 86400), (ARRAY['dispute','dispute','petition','incident'])[1 + i % 4],
            (ARRAY['family','neighbor','debt','land','labor','other'])[1 + i % 6], s.status, CASE WHEN s.k >= 2 THEN (ARRAY['village','town','county'])[1 + i % 3] ELSE 'grid' END,
            (ARRAY['blue','yellow','red'])[1 + i % 3], ($5::text[])[1 + (i * 29) % $8], ($6::text[])[1 + (i * 29) % $8], ($7::text[])[1 + (i * 29) % $8]
     FROM generate_series($2::int, $3::int - 1) AS i
     CROSS JOIN (VALUES (0, 'registered'), (1, 'mediating'), (2, 'escalated'), (3, 'resolved')) AS s(k, status)
     WHERE i % 10 <> 0 OR s.k < 2`, // one case in ten is still open at its second change
    [start, lo, hi, YEAR_S / nCases, ...G, grids.length]));
  await db.query(
    `INSERT INTO cases (case_id, kind, category, status, level, risk, grid_id, village_code, town_code, opened_at, changed_at)
     SELECT DISTINCT ON (case_id) case_id, kind, category, status, level, risk, grid_id, village_code, town_code,
            min(changed_at) OVER (PARTITION BY case_id), changed_at
     FROM case_events ORDER BY case_id, changed_at DESC`);
  await chunks(m.unitEvents, (lo, hi) => db.query(
    `INSERT INTO unit_events (unit_id, at, status, lon, lat)
     SELECT ($4::text[])[1 + i % $5], $1::timestamptz + make_interval(secs => i * $6::float8), (ARRAY['available','dispatched','en_route','on_scene'])[1 + i % 4], 110.25, 34.5
     FROM generate_series($2::int, $3::int - 1) AS i ON CONFLICT DO NOTHING`,
    [start, lo, hi, units.map((u) => u.id), units.length, YEAR_S / m.unitEvents]));
  await db.query(
    `INSERT INTO units (unit_id, status, lon, lat, at) SELECT DISTINCT ON (unit_id) unit_id, status, lon, lat, at FROM unit_events ORDER BY unit_id, at DESC`);
  // Warnings as the engine leaves them: each clears by itself 30 min to 6 h after it was raised
  // (two in three acknowledged within a quarter of an hour first); those whose time has not
  // come by the end of the load are still active.
  await db.query(
    `INSERT INTO warnings (id, rule, colour, region_code, subject, reason, raised_at, updated_at, status, acknowledged_at, acknowledged_by, resolved_at)
     SELECT 'BW' || i, ($4::text[])[1 + i % 8], 'yellow', ($5::text[])[1 + (i * 11) % $6], 's' || i, '', t, CASE WHEN r <= $7 THEN r ELSE t END,
            CASE WHEN r <= $7 THEN 'resolved' WHEN i % 3 = 0 THEN 'raised' ELSE 'acknowledged' END,
            CASE WHEN i % 3 = 0 THEN NULL ELSE t + make_interval(secs => 60 + i % 900) END, CASE WHEN i % 3 = 0 THEN NULL ELSE 'duty' END,
            CASE WHEN r <= $7 THEN r END
     FROM generate_series(0, $2::int - 1) AS i,
          LATERAL (SELECT $1::timestamptz + make_interval(secs => i * $3::float8) AS t) x,
          LATERAL (SELECT x.t + make_interval(secs => 1800 + (i * 37) % 19800) AS r) y`,
    [start, m.warnings, YEAR_S / m.warnings, RULES, G[0], grids.length, end.toISOString()]);
  // The load bypassed the writers, as any bulk load does: the day rollups are recounted once.
  await db.query('SELECT rebuild_day_rollups()');
  await db.execRaw('ANALYZE');
  const rows: Record<string, number> = {};
  for (const t of ['calls', 'incidents', 'alerts', 'case_events', 'cases', 'unit_events', 'warnings']) {
    rows[t] = Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n);
  }
  return { ms: performance.now() - t0, rows };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
}

async function time(label: string, n: number, warm: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < warm; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  const r = { p50Ms: Math.round(pct(ms, 0.5) * 10) / 10, p95Ms: Math.round(pct(ms, 0.95) * 10) / 10, runs: n };
  console.log(`  ${label.padEnd(17)} p50 ${String(r.p50Ms).padStart(7)} ms  p95 ${String(r.p95Ms).padStart(7)} ms  (${n} runs)`);
  return r;
}

/** Replay seeks (bench/replay.ts's, each a cold replay service) to moments of the last week, over this year. */
async function seek(db: Db, week: { from: Date; to: Date }) {
  const f = await benchReplaySeek(db, { from: week.from.getTime(), to: week.to.getTime(), tz: TZ, camerasTotal: cams.length, seeks: SEEKS });
  const r = { p50Ms: Math.round(f.p50 * 10) / 10, p95Ms: Math.round(f.p95 * 10) / 10, runs: f.seeks };
  console.log(`  ${'replay seek'.padEnd(17)} p50 ${String(r.p50Ms).padStart(7)} ms  p95 ${String(r.p95Ms).padStart(7)} ms  (${f.seeks} cold seeks)`);
  return r;
}

async function benchStore(kind: string): Promise<Record<string, unknown>> {
  const total = kind === 'postgres' ? EVENTS : EMBEDDED_EVENTS;
  let db: Db;
  let cleanup: () => Promise<void>;
  if (kind === 'postgres') {
    const tmp = await createTempDatabase('bench_query');
    db = await openPg(tmp.url, 'auto', 4);
    cleanup = async () => { await db.close(); await tmp.drop(); };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-query-'));
    db = await openPglite(dir);
    cleanup = async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); };
  }
  try {
    await migrate(db, { tz: TZ });
    const now = new Date();
    console.log(`[${kind}] loading ${total.toLocaleString('en')} events (${db.flavor}) …`);
    const loaded = await load(db, total, now);
    console.log(`[${kind}] loaded in ${(loaded.ms / 1000).toFixed(1)} s: ${JSON.stringify(loaded.rows)}`);
    const rules = loadRulesConfig();
    const q = (from: Date, to: Date) => ({ from, to, townCode: null, region, calendar: makeWorkCalendar(rules.calendar, TZ), limitsWorkingDays: rules.case_deadline.limitsWorkingDays });
    const week = lastWeek(now, TZ);
    const quarter = { from: new Date(week.to.getTime() - 13 * 7 * 86_400_000), to: week.to };
    const b = await briefing(db, q(week.from, week.to));
    console.log(`[${kind}] the week holds ${b.calls.total} calls, ${b.alerts.total} alerts, ${b.cases.identified} new cases, ${b.dispatch.toDispatchS.n} timed incidents`);
    const res = {
      events: total, scale: total / 5_000_000, flavor: db.flavor, loadSeconds: Math.round(loaded.ms / 100) / 10, rows: loaded.rows,
      reference: await time('reference (count)', ITER, 2, () => db.query('SELECT count(*) FROM calls WHERE received_at >= $1 AND received_at < $2', [week.from.toISOString(), week.to.toISOString()])),
      briefingWeek: await time('briefing-week', ITER, 2, () => briefing(db, q(week.from, week.to))),
      briefingQuarter: await time('briefing-quarter', Math.max(3, Math.round(ITER / 3)), 1, () => briefing(db, q(quarter.from, quarter.to))),
      snapshot: await time('snapshot (24 h)', ITER, 2, () => loadWallState(db, region, TZ, 'bench', now)),
      replaySeek: await seek(db, week),
    };
    return res;
  } finally {
    await cleanup();
  }
}

if (process.env.BENCH_PROFILE) {
  // Where the briefing's time goes, part by part (a diagnostic, not a headline).
  // BENCH_PROFILE_STORE=embedded: the same over the embedded store (BENCH_EMBEDDED_EVENTS).
  const embedded = process.env.BENCH_PROFILE_STORE === 'embedded';
  const tmp = embedded ? null : await createTempDatabase('bench_query_prof');
  const dir = embedded ? fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-query-prof-')) : null;
  const db = tmp ? await openPg(tmp.url, 'auto', 4) : await openPglite(dir!);
  await migrate(db, { tz: TZ });
  const now = new Date();
  await load(db, embedded ? EMBEDDED_EVENTS : EVENTS, now);
  const w = lastWeek(now, TZ);
  const { summary, totals } = await import('@watchfloor/ingest/store/queries/summary');
  const { resolution } = await import('@watchfloor/ingest/store/queries/resolution');
  const { responseTimes, responseTimeBreakdown } = await import('@watchfloor/ingest/store/queries/response-times');
  const { offlineCameras, wallFigures, wallIncidents, wallOpenCases, wallCameras, newestEventTime } = await import('@watchfloor/ingest/store/queries/wall');
  const r = { from: w.from, to: w.to, townCode: null };
  for (const [name, fn] of Object.entries({
    summary: () => summary(db, r), totals: () => totals(db, r), resolution: () => resolution(db, r), disputes: () => resolution(db, r, { kinds: ['dispute'] }),
    rt: () => responseTimes(db, r), rtBreakdown: () => responseTimeBreakdown(db, r, new Map(units.map((u) => [u.id, u.kind]))),
    offline: () => offlineCameras(db, w.to),
    ...Object.fromEntries(Object.entries(_parts).map(([k, f]) => [k, () => f(db, { ...r, region, calendar: makeWorkCalendar(loadRulesConfig().calendar, TZ), limitsWorkingDays: loadRulesConfig().case_deadline.limitsWorkingDays })])),
    whole: () => briefing(db, { ...r, region, calendar: makeWorkCalendar(loadRulesConfig().calendar, TZ), limitsWorkingDays: loadRulesConfig().case_deadline.limitsWorkingDays }),
    wallFigures: () => wallFigures(db, now, TZ, cams.length), wallIncidents: () => wallIncidents(db, now), wallOpenCases: () => wallOpenCases(db),
    wallCameras: () => wallCameras(db, now), newestEventTime: () => newestEventTime(db), snapshot: () => loadWallState(db, region, TZ, 'bench', now),
  })) await time(name, 3, 1, fn);
  await db.close();
  if (process.env.BENCH_PROFILE === 'keep') console.log(`kept ${tmp?.url ?? dir}`);
  else if (tmp) await tmp.drop();
  else fs.rmSync(dir!, { recursive: true, force: true });
  process.exit(0);
}
const results: Record<string, Record<string, unknown>> = {};
for (const kind of STORES) results[kind] = await benchStore(kind);
type P = { p95Ms: number };
const head = (results.postgres ?? results.embedded)! as { briefingWeek: P; briefingQuarter: P; snapshot: P; replaySeek: P; events: number };
const file = writeResult('query', {
  goal: GOAL, iterations: ITER, loadAverage: os.loadavg(), stores: results,
  headline: { store: results.postgres ? 'postgres' : 'embedded', briefingWeekP95Ms: head.briefingWeek.p95Ms, briefingQuarterP95Ms: head.briefingQuarter.p95Ms, snapshotP95Ms: head.snapshot.p95Ms, replaySeekP95Ms: head.replaySeek.p95Ms },
});
console.log(`[bench] wrote ${path.relative(process.cwd(), file)} (load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`query: briefing-week p95 ${head.briefingWeek.p95Ms} ms, snapshot p95 ${head.snapshot.p95Ms} ms`);
