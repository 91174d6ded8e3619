/**
 * `npm run bench:assign-click`: from a dispatcher's click on 指派 in the console to the wall's
 * 警力调度 panel counting the incident as 已派警, in real chromium (Debian's, SwiftShader WebGL),
 * the console and the wall in two contexts of one browser, against a fresh embedded server
 * (`npm start`, SIMULATE=0) per run.
 *
 * Each assignment: a priority-1 call is posted through the ingest API, the console's queue shows
 * it, the bench clicks its row, then the first suggestion's 指派 button. The click's time is
 * taken in the console page by a capturing click listener (`performance.timeOrigin +
 * performance.now()`); the wall page timestamps, on the same clock (one machine), the DOM
 * mutation that brings its 已派警 cell to the expected count. Their difference is the latency.
 * The unit then reports itself released from the incident (available, naming it: a unit holding
 * an incident may leave it only so), so units do not run out; the next incident is selected only
 * once the wall shows that release, and the click goes to the row of the unit released after it.
 *
 * Reference in the same run: the same path without the console's UI, an assignment POSTed by
 * `fetch` from the console page (the session's cookie and CSRF token), timed from just before
 * the fetch to the same wall mutation. The difference between the two is what the console adds.
 *
 * BENCH_ASSIGNMENTS (100 per run), BENCH_REFERENCE (20 per run), BENCH_RUNS (3) tune it.
 * The headline is the median over runs of each run's p50 and p99.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { strings } from '@watchfloor/config/strings';
import { launchBrowser, newPage, waitForWallReady, WALL_READY_MS } from '../test/support/browser';
import { call, someGrid, uid } from '../test/support/events';
import { tongguan } from '../test/support/region';
import { startServer, type RunningServer } from '../test/support/server';
import { median, writeResult } from './lib/results';

const ASSIGNMENTS = Number(process.env.BENCH_ASSIGNMENTS ?? 100);
const REFERENCE = Number(process.env.BENCH_REFERENCE ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INGEST = 'bench-assign-ingest-token';
const ADMIN = 'bench-assign-admin-token';
const WALL = 'bench-assign-wall-token';
const DUTY = { name: 'bench-duty', password: 'bench-duty-password-1' };
const STEP_MS = 60_000;

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function post(s: RunningServer, topic: string, items: unknown[]): Promise<void> {
  const r = await fetch(`${s.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
  if (r.status !== 200) throw new Error(`ingest ${topic}: HTTP ${r.status} ${await r.text()}`);
}

const freeUnits = (s: RunningServer, ids: string[], incidentId?: string) => post(s, 'unit.status', ids.map((id) => {
  const u = tongguan().units.find((x) => x.id === id)!;
  return { unitId: id, at: new Date().toISOString(), status: 'available', position: { lon: u.lon, lat: u.lat }, ...(incidentId ? { incidentId } : {}) };
}));

/** Waits until the wall's 已派警 cell reads 0: the previous assignment's release has reached it. */
async function wallSettled(wall: Page): Promise<void> {
  const cells = () => wall.evaluate(() => [...document.querySelectorAll('[data-testid=dispatch] .cell[data-state]')].map((c) => `${c.getAttribute('data-state')}=${c.querySelector('.num')?.textContent}`).join(' '));
  try {
    await wall.waitForFunction(() => Number(document.querySelector('[data-testid=dispatch] .cell[data-state=dispatched] .num')?.textContent ?? NaN) === 0, undefined, { timeout: STEP_MS, polling: 50 });
  } catch (err) {
    throw new Error(`the wall did not show the last release: ${await cells()} (${(err as Error).message})`);
  }
}

/**
 * Arms the wall page: the first DOM mutation that brings its 已派警 cell to `n` stores its time
 * (page clock). Armed before the click, so the timestamp is the mutation's, not a poll's.
 */
async function armWall(wall: Page, n: number): Promise<void> {
  await wall.evaluate((target) => {
    const w = window as unknown as { __reachedAt: number | null };
    w.__reachedAt = null;
    const cell = () => document.querySelector('[data-testid=dispatch] .cell[data-state=dispatched] .num');
    const mo = new MutationObserver(() => {
      if (Number(cell()?.textContent ?? NaN) < target) return;
      mo.disconnect();
      w.__reachedAt = performance.timeOrigin + performance.now();
    });
    mo.observe(document.querySelector('[data-testid=dispatch]')!, { subtree: true, childList: true, characterData: true });
  }, n);
}

async function wallReachedAt(wall: Page): Promise<number> {
  const h = await wall.waitForFunction(() => (window as unknown as { __reachedAt: number | null }).__reachedAt, undefined, { timeout: STEP_MS, polling: 50 });
  return (await h.jsonValue()) as number;
}

async function oneRun(browser: Browser, run: number): Promise<{ click: number[]; reference: number[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-assign-'));
  const server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, LOGIN_RATE_LIMIT: '100' }, { waitForPages: true });
  const pages: Page[] = [];
  try {
    const r = await fetch(`${server.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: DUTY.name, role: 'dispatcher', password: DUTY.password }) });
    if (r.status !== 201) throw new Error(`user: HTTP ${r.status}`);
    const unitIds = tongguan().units.map((u) => u.id);
    await freeUnits(server, unitIds);
    const wall = await newPage(browser, { width: 1280, height: 720 });
    const page = await newPage(browser, { width: 1280, height: 720 });
    pages.push(wall, page);
    await wall.goto(`${server.url}/wall?token=${WALL}`);
    await page.goto(`${server.url}/login?next=%2Fconsole`);
    await page.getByLabel(strings.login.username).fill(DUTY.name);
    await page.getByLabel(strings.login.password).fill(DUTY.password);
    await page.getByRole('button', { name: strings.login.submit }).click();
    await page.waitForURL(/\/console$/);
    await Promise.all([waitForWallReady(wall), page.locator('[data-testid=console][data-ready=true]').waitFor({ timeout: WALL_READY_MS })]);
    // The click's time, taken where the click lands (before React's handler runs).
    await page.evaluate(() => document.addEventListener('click', (e) => {
      if ((e.target as Element | null)?.closest('[data-testid=assign]')) (window as unknown as { __clickAt: number }).__clickAt = performance.timeOrigin + performance.now();
    }, true));

    const click: number[] = [];
    const reference: number[] = [];
    for (let k = 0; k < ASSIGNMENTS + REFERENCE; k++) {
      const point = someGrid(k).point ?? someGrid(0).point!;
      const c = call({ id: uid('C'), priority: 1, receivedAt: new Date(Date.now() - 1000).toISOString(), location: { ...point, address: '某路' } });
      await post(server, 'police.calls', [c]);
      let unitId: string;
      if (k < ASSIGNMENTS) {
        // Settled first: the last release reaching the console re-ranks its suggestions, and a
        // `.first()` locator resolved again at the click would assign another unit than the one
        // this loop releases afterwards.
        await wallSettled(wall);
        const row = page.locator(`[data-testid=queue] [data-incident-id="${c.id}"]`);
        await row.click({ timeout: STEP_MS });
        await page.locator(`[data-testid=incident-card][data-incident-id="${c.id}"]`).waitFor({ timeout: STEP_MS });
        const first = page.locator('[data-testid=suggestions] tr[data-unit-id]').first();
        await first.getByTestId('assign').waitFor({ timeout: STEP_MS });
        unitId = (await first.getAttribute('data-unit-id'))!;
        const chosen = page.locator(`[data-testid=suggestions] tr[data-unit-id="${unitId}"]`);
        await armWall(wall, 1);
        await chosen.getByTestId('assign').click();
        const w = await wallReachedAt(wall);
        click.push(w - (await page.evaluate(() => (window as unknown as { __clickAt: number }).__clickAt)));
        await page.getByTestId('assign-ok').waitFor({ timeout: STEP_MS });
      } else {
        // The reference: the same assignment by fetch from the same page, no UI in between.
        await page.locator(`[data-testid=queue] [data-incident-id="${c.id}"]`).waitFor({ timeout: STEP_MS });
        await wallSettled(wall);
        await armWall(wall, 1);
        const out = await page.evaluate(async (id) => {
          const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
          const sug = (await (await fetch(`/api/incidents/${encodeURIComponent(id)}/suggestions`)).json()) as { unitId: string }[];
          const at = performance.timeOrigin + performance.now();
          const r = await fetch(`/api/incidents/${encodeURIComponent(id)}/assign`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify({ unitId: sug[0]!.unitId, expectedVersion: 0 }) });
          return { at, status: r.status, unitId: sug[0]!.unitId };
        }, c.id);
        if (out.status !== 200) throw new Error(`reference assign: HTTP ${out.status}`);
        unitId = out.unitId;
        reference.push((await wallReachedAt(wall)) - out.at);
      }
      await freeUnits(server, [unitId], c.id);
    }
    console.log(`[bench] run ${run}: click p50 ${pct(click, 50).toFixed(0)} ms, p99 ${pct(click, 99).toFixed(0)} ms (n=${click.length}); fetch reference p50 ${pct(reference, 50).toFixed(0)} ms, p99 ${pct(reference, 99).toFixed(0)} ms (n=${reference.length})`);
    return { click, reference };
  } finally {
    for (const p of pages) await p.context().close().catch(() => undefined);
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const browser = await launchBrowser();
  const runs: { click: number[]; reference: number[] }[] = [];
  try {
    for (let i = 1; i <= RUNS; i++) runs.push(await oneRun(browser, i));
  } finally {
    await browser.close();
  }
  const per = runs.map((r) => ({
    n: r.click.length, p50Ms: pct(r.click, 50), p99Ms: pct(r.click, 99),
    reference: { n: r.reference.length, p50Ms: pct(r.reference, 50), p99Ms: pct(r.reference, 99) },
  }));
  const p50 = median(per.map((r) => r.p50Ms));
  const p99 = median(per.map((r) => r.p99Ms));
  const file = writeResult('assign-click', {
    conditions: { assignmentsPerRun: ASSIGNMENTS, referencePerRun: REFERENCE, runs: RUNS, viewport: '1280x720 (console and wall)', loadAverage: os.loadavg() },
    runs: per, median: { p50Ms: p50, p99Ms: p99, reference: { p50Ms: median(per.map((r) => r.reference.p50Ms)), p99Ms: median(per.map((r) => r.reference.p99Ms)) } },
  });
  console.log(`[bench] results in ${file}`);
  console.log(`assign-click: p50 ${p50.toFixed(0)}, p99 ${p99.toFixed(0)}`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
