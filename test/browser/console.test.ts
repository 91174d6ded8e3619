/**
 * The dispatch console in a real browser, beside a real wall, against the real server:
 * (a) a dispatcher signs in (sent to /login and back), picks the newest priority-1 incident
 *     by clicking its dot on the map, assigns the first suggested unit, and a second context
 *     showing /wall counts it as 已派警 in its 警力调度 panel;
 * (b) two dispatchers assign the same incident at once: one success, one conflict message
 *     naming the winner and the unit;
 * (c) with the simulated field units on, the assigned unit travels and the incident reaches
 *     已到场 on the console and on the wall.
 * No CSP violation, no page error on the console.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { IncidentView } from '@watchfloor/config/dispatch';
import { strings } from '@watchfloor/config/strings';
import { PAGE_CHANGE_MS, WALL_READY_MS, collectPageErrors, launchBrowser, newPage, saveScreenshot, waitForWallReady } from '../support/browser';
import { call, someGrid, uid } from '../support/events';
import { tongguan } from '../support/region';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const INGEST = 'console-test-ingest-token';
const ADMIN = 'console-test-admin-token';
const WALL = 'console-test-wall-token';
const DUTY_A = { name: 'duty-a', password: 'duty-a-password-1' };
const DUTY_B = { name: 'duty-b', password: 'duty-b-password-1' };
/** The automation hook WallMap exposes on the console (MAP_AUTOMATION_HOOK). */
const HOOK = '__watchfloorMapAutomation';

const tokens = { INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, LOGIN_RATE_LIMIT: '100' };
const dirs: string[] = [];
const dataDir = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-console-')); dirs.push(d); return d; };

async function post(s: RunningServer, topic: string, items: unknown[]): Promise<void> {
  const r = await fetch(`${s.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
  assert.equal(r.status, 200, await r.text());
}

async function addDispatchers(s: RunningServer): Promise<void> {
  for (const u of [DUTY_A, DUTY_B]) {
    const r = await fetch(`${s.url}/api/users`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: u.name, role: 'dispatcher', password: u.password }),
    });
    assert.equal(r.status, 201, await r.text());
  }
}

async function incidents(s: RunningServer): Promise<IncidentView[]> {
  const r = await fetch(`${s.url}/api/incidents`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return IncidentView.array().parse(await r.json());
}

/**
 * Opens /console signed out, is sent to /login, signs in and comes back; resolves once the
 * console is up (with `map`, once its map has drawn: SwiftShader is slow, so only where a test clicks it).
 */
async function signInToConsole(page: Page, url: string, u: { name: string; password: string }, map = true): Promise<void> {
  await page.goto(`${url}/console`);
  await page.waitForURL(/\/login\?next=%2Fconsole$/, { timeout: PAGE_CHANGE_MS });
  await page.getByLabel(strings.login.username).fill(u.name);
  await page.getByLabel(strings.login.password).fill(u.password);
  await page.getByRole('button', { name: strings.login.submit }).click();
  await page.waitForURL(/\/console$/, { timeout: PAGE_CHANGE_MS });
  await page.getByTestId('signed-in').filter({ hasText: u.name }).waitFor({ timeout: PAGE_CHANGE_MS });
  await page.locator(map ? '[data-testid=console][data-ready=true]' : '[data-testid=queue]').waitFor({ timeout: WALL_READY_MS });
}

async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

/** Clicks the incident's dot on the map at the pixel the map itself projects it to. */
async function clickOnMap(page: Page, lon: number, lat: number): Promise<void> {
  await waitFor('the map at rest', () => page.evaluate((h) => (window as unknown as Record<string, { isMoving(): boolean }>)[h]?.isMoving() ?? true, HOOK), (moving) => !moving, PAGE_CHANGE_MS, 100);
  const p = await page.evaluate(([h, x, y]) => (window as unknown as Record<string, { toScreen(a: number, b: number): { x: number; y: number } }>)[h as string]!.toScreen(x as number, y as number), [HOOK, lon, lat] as const);
  await page.mouse.click(p.x, p.y);
}

/** The incident's row in the console's queue, once there; a timeout says what the page had instead. */
async function queueRow(page: Page, id: string) {
  const row = page.locator(`[data-testid=queue] [data-incident-id="${id}"]`);
  try {
    await row.waitFor({ timeout: PAGE_CHANGE_MS });
  } catch (err) {
    const seen = await page.evaluate(async () => {
      const t0 = performance.now();
      const r = await fetch('/api/incidents');
      const body = (await r.json()) as { id: string }[];
      return { ms: Math.round(performance.now() - t0), listed: body.map((i) => i.id), shown: [...document.querySelectorAll('[data-testid=queue] [data-incident-id]')].map((e) => e.getAttribute('data-incident-id')) };
    });
    throw new Error(`${(err as Error).message}
incident ${id}; the page shows ${JSON.stringify(seen.shown)}; GET /api/incidents now (${seen.ms} ms) lists it: ${seen.listed.includes(id)}; live ${await page.getByTestId('live').getAttribute('data-connected')}`);
  }
  return row;
}

const dispatchCell = (wall: Page, state: string) => wall.locator(`[data-testid=dispatch] .cell[data-state=${state}] .num`);
const cellValue = async (wall: Page, state: string) => Number(await dispatchCell(wall, state).innerText());

describe('the dispatch console in a browser', () => {
  let quiet: RunningServer;
  let simulated: RunningServer;
  let browser: Browser;
  let wall: Page;
  let consoleA: Page;
  let cspA: () => Promise<string[]>;
  let errorsA: () => string[];

  before(async () => {
    // Without the simulator the wall's counts move only by what the test does; with it the
    // field units obey (fast, SIMULATE_FIELD_SCALE) and the on-scene step can be watched.
    [quiet, simulated] = await Promise.all([
      startServer({ ...tokens, DATA_DIR: dataDir(), SIMULATE: '0', UNIT_STALE_SECONDS: '3600' }, { waitForPages: true }),
      startServer({ ...tokens, DATA_DIR: dataDir(), SIMULATE: '1', SIMULATE_FIELD_SCALE: '60' }, { waitForPages: true }),
    ]);
    await Promise.all([addDispatchers(quiet), addDispatchers(simulated)]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([quiet?.stop(), simulated?.stop()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('(a) pick the newest priority-1 incident on the map, assign the first suggestion, the wall counts it', async () => {
    const units = tongguan().units.slice(0, 4);
    await post(quiet, 'unit.status', units.map((u) => ({ unitId: u.id, at: new Date(Date.now() - 1000).toISOString(), status: 'available', position: { lon: u.lon, lat: u.lat } })));
    const t = Date.now() - 60_000;
    const at = (k: number) => new Date(t + k * 5000).toISOString();
    const place = (i: number) => { const p = someGrid(i).point!; return { lon: p.lon, lat: p.lat, address: '城关街道某路12号' }; };
    // Far apart, so each dot is its own pixel; the newest priority 1 is not the newest call.
    const older1 = call({ id: uid('C'), priority: 1, receivedAt: at(0), location: place(0) });
    // Its text fields carry markup: the console must show it as text, never run or render it.
    const INJECTED = '报警人称 <img src=x onerror="window.__pwned=1"> 有人打架\'; DROP TABLE calls; --';
    const newest1 = call({ id: uid('C'), priority: 1, receivedAt: at(1), location: { ...place(40), address: '<b>城关</b>街道某路' }, summary: INJECTED });
    const newest2 = call({ id: uid('C'), priority: 2, receivedAt: at(2), location: place(80) });
    await post(quiet, 'police.calls', [older1, newest1, newest2]);

    wall = await newPage(browser, { width: 1920, height: 1080 });
    await wall.goto(`${quiet.url}/wall?token=${WALL}`);
    consoleA = await newPage(browser, { width: 1920, height: 1080 });
    cspA = await watchCsp(consoleA);
    errorsA = collectPageErrors(consoleA);
    await Promise.all([waitForWallReady(wall), signInToConsole(consoleA, quiet.url, DUTY_A)]);
    // Signed out, the page's one question (GET /api/session) is answered 401: errors count from here.
    const errorsBefore = errorsA().length;
    await waitFor('the calls on the console map', async () => consoleA.getByTestId('wall-map').getAttribute('data-incidents'), (n) => n === '3', PAGE_CHANGE_MS, 200);
    await waitFor('the wall counts them received', () => cellValue(wall, 'received'), (n) => n === 3, PAGE_CHANGE_MS, 200);

    const target = (await incidents(quiet)).filter((i) => i.priority === 1).sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt))[0]!;
    assert.equal(target.id, newest1.id);
    await clickOnMap(consoleA, target.lon, target.lat);
    const card = consoleA.getByTestId('incident-card');
    await waitFor('the clicked incident selected', () => card.getAttribute('data-incident-id'), (id) => id === target.id, PAGE_CHANGE_MS, 100);
    assert.notEqual(await consoleA.getByTestId('wall-map').getAttribute('data-selected'), '', 'the map rings the selection');
    assert.equal(await consoleA.locator(`[data-testid=queue] [data-incident-id="${target.id}"]`).getAttribute('aria-pressed'), 'true');
    await waitFor('the summary on the card, as text', () => card.innerText(), (t) => t.includes(INJECTED) && t.includes('<b>城关</b>'), PAGE_CHANGE_MS, 100);
    assert.equal(await card.locator('img, b').count(), 0, 'markup in a call is shown, not rendered');
    assert.equal(await consoleA.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

    const first = consoleA.locator('[data-testid=suggestions] tr[data-unit-id]').first();
    await first.waitFor({ timeout: PAGE_CHANGE_MS });
    const unitId = (await first.getAttribute('data-unit-id'))!;
    await consoleA.getByTestId('instruction').fill('请立即前往 <script>alert(1)</script>');
    await first.getByTestId('assign').click();
    await consoleA.getByTestId('assign-ok').filter({ hasText: unitId }).waitFor({ timeout: PAGE_CHANGE_MS });
    await waitFor('the card in its new state', () => card.getAttribute('data-state'), (s) => s === 'dispatched', PAGE_CHANGE_MS, 100);
    assert.match(await card.innerText(), new RegExp(`${strings.incidentState.dispatched}[\\s\\S]*${unitId}`));

    await waitFor('the wall counts it dispatched', async () => [await cellValue(wall, 'received'), await cellValue(wall, 'dispatched')], ([r, d]) => r === 2 && d === 1, PAGE_CHANGE_MS, 100);
    const stored = (await incidents(quiet)).find((i) => i.id === target.id)!;
    assert.equal(stored.assignedUnitId, unitId);
    assert.equal(stored.assignedBy, DUTY_A.name);
    await saveScreenshot(consoleA, 'console-1920x1080-assigned');
    assert.deepEqual(await cspA(), []);
    assert.deepEqual(errorsA().slice(errorsBefore), []);
    // Software-rendered maps are costly: the next tests keep at most two pages drawing at once.
    await Promise.all([wall.context().close(), consoleA.context().close()]);
  });

  test('(b) two dispatchers assign the same incident at once: one wins, the other is told who', async () => {
    const c = call({ id: uid('C'), priority: 1, receivedAt: new Date(Date.now() - 3000).toISOString() });
    await post(quiet, 'police.calls', [c]);
    const [pageA, consoleB] = [await newPage(browser, { width: 1280, height: 720 }), await newPage(browser, { width: 1280, height: 720 })];
    try {
      await Promise.all([signInToConsole(pageA, quiet.url, DUTY_A, false), signInToConsole(consoleB, quiet.url, DUTY_B, false)]);
      const pages = [pageA, consoleB];
      for (const p of pages) {
        await (await queueRow(p, c.id)).click();
        await p.locator(`[data-testid=incident-card][data-incident-id="${c.id}"]`).waitFor({ timeout: PAGE_CHANGE_MS });
        await p.locator('[data-testid=suggestions] tr[data-unit-id] [data-testid=assign]').first().waitFor({ timeout: PAGE_CHANGE_MS });
      }
      const buttons = pages.map((p) => p.locator('[data-testid=suggestions] tr[data-unit-id]').first().getByTestId('assign'));
      for (const b of buttons) assert.equal(await b.innerText(), strings.console.assign);
      // At once: each page clicks at the same instant of the machine's clock (a click driven from
      // here lands on one page after the other, late enough for the first's result to arrive).
      const at = Date.now() + 1000;
      await Promise.all(buttons.map((b) => b.evaluate((el, t) => { setTimeout(() => (el as HTMLElement).click(), t - Date.now()); }, at)));
      const outcome = (p: Page) => waitFor('an answer', async () => {
        if (await p.getByTestId('assign-ok').count()) return 'ok';
        if (await p.getByTestId('assign-conflict').count()) return 'conflict';
        return null;
      }, (v) => v !== null, PAGE_CHANGE_MS, 100);
      const [a, b] = await Promise.all(pages.map(outcome));
      assert.deepEqual([a, b].sort(), ['conflict', 'ok'], 'exactly one wins');
      const [winner, loser] = a === 'ok' ? [DUTY_A, consoleB] : [DUTY_B, pageA];
      const stored = (await incidents(quiet)).find((i) => i.id === c.id)!;
      assert.equal(stored.assignedBy, winner.name);
      const text = await loser.getByTestId('assign-conflict').innerText();
      assert.ok(text.includes(strings.console.conflictWinner(winner.name, stored.assignedUnitId, strings.incidentState.dispatched)), text);
      // The loser's card shows where the incident stands now, and offers only the explicit reassignment.
      await waitFor('the loser\'s card updated', () => loser.getByTestId('incident-card').getAttribute('data-state'), (s) => s === 'dispatched', PAGE_CHANGE_MS, 100);
      await loser.locator('[data-testid=suggestions] [data-testid=assign]').first().filter({ hasText: strings.console.reassign }).waitFor({ timeout: PAGE_CHANGE_MS });
      await saveScreenshot(loser, 'console-conflict');
    } finally {
      await Promise.all([pageA.context().close(), consoleB.context().close()]);
    }
  });

  test('(c) with the simulated field units the assigned unit travels and the incident reaches 已到场 on the console and the wall', async () => {
    const c = call({ id: uid('C'), priority: 1, receivedAt: new Date(Date.now() - 2000).toISOString() });
    await post(simulated, 'police.calls', [c]);
    const simWall = await newPage(browser, { width: 1280, height: 720 });
    const page = await newPage(browser, { width: 1280, height: 720 });
    try {
      await simWall.goto(`${simulated.url}/wall?token=${WALL}`);
      await Promise.all([waitForWallReady(simWall), signInToConsole(page, simulated.url, DUTY_A, false)]);
      const row = await queueRow(page, c.id);
      await row.click();
      // The simulated units report fresh positions: the first suggestion is a fresh one.
      const first = page.locator('[data-testid=suggestions] tr[data-unit-id][data-stale=false]').first();
      await first.waitFor({ timeout: PAGE_CHANGE_MS });
      await first.getByTestId('assign').click();
      await page.getByTestId('assign-ok').waitFor({ timeout: PAGE_CHANGE_MS });
      const card = page.getByTestId('incident-card');
      await waitFor('on scene on the console', () => card.getAttribute('data-state'), (s) => s === 'on_scene', 60_000, 100);
      assert.match(await card.getByTestId('card-state').innerText(), new RegExp(strings.incidentState.on_scene));
      const feedRow = simWall.locator(`[data-testid=feed] [data-call-id="${c.id}"] .state`);
      await waitFor('on scene on the wall', async () => (await feedRow.count()) ? feedRow.innerText() : null, (s) => s === strings.incidentState.on_scene, PAGE_CHANGE_MS, 100);
      assert.equal(await page.locator(`[data-testid=queue] [data-incident-id="${c.id}"]`).getAttribute('data-state'), 'on_scene');
    } finally {
      await Promise.all([page.context().close(), simWall.context().close()]);
    }
  });
});
