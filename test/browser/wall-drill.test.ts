/**
 * The wall's drill-down in a real browser against the real server (embedded mode): a click on
 * the map at a town's label point selects the town; the panels then show its figures (today's
 * calls equal to /api/stats/summary?town= for today), the area card its own, the map names
 * its villages; a click on a village goes one level down and names its grids; the breadcrumb
 * goes back, and 全县 restores the county's figures. The neighbouring counties are named.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { labelPoint } from '@watchfloor/config/region';
import { PAGE_CHANGE_MS, collectPageErrors, launchBrowser, newPage, saveScreenshot, waitForWallReady } from '../support/browser';
import { call, caseChange } from '../support/events';
import { tongguan } from '../support/region';
import { startServer, type RunningServer } from '../support/server';
import { todayFor } from '../support/today';
import { waitFor } from '../support/wait';

const WALL = 'drill-test-wall-token';
const INGEST = 'drill-test-ingest-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-drill-'));
/** The longest this file's tests take on a loaded machine: its calls must stay today's for that long. */
const SUITE_LASTS_MS = 20 * 60_000;
const env = { DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST };

const region = tongguan();
// Calls placed at cameras (surely inside their grid): 5 in the town of the first camera, 3 elsewhere.
const townCode = region.cameras[0]!.townCode;
const here = region.cameras.filter((c) => c.townCode === townCode).slice(0, 5);
const elsewhere = region.cameras.filter((c) => c.townCode !== townCode).slice(0, 3);
const town = region.towns.features.find((f) => f.properties.code === townCode)!;
const villagesOfTown = region.villages.features.filter((f) => f.properties.townCode === townCode);
const populationOfTown = region.grids.features.filter((f) => f.properties.townCode === townCode).reduce((a, f) => a + f.properties.population, 0);

async function post(s: RunningServer, topic: string, items: unknown[]) {
  const r = await fetch(`${s.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
  assert.equal(r.status, 200);
}

describe('the wall drills down to a town and a village', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: () => string[];

  const clickAt = async (lon: number, lat: number) => {
    const p = await waitFor('the map at rest', () => page.evaluate(([a, b]) => {
      const hook = (window as unknown as Record<string, { toScreen(lon: number, lat: number): { x: number; y: number }; isMoving(): boolean }>).__watchfloorMapAutomation!;
      return { ...hook.toScreen(a!, b!), moving: hook.isMoving() };
    }, [lon, lat]), (v) => !v.moving, PAGE_CHANGE_MS, 100);
    await page.mouse.click(p.x, p.y);
  };
  const summaryCalls = async (q: string) => {
    const r = await fetch(`${server.url}/api/stats/summary${q}`, { headers: { authorization: `Bearer ${WALL}` } });
    assert.equal(r.status, 200);
    return ((await r.json()) as { calls: { total: number } }).calls.total;
  };
  const kpi = () => page.getByTestId('kpi-calls-today').getAttribute('data-value');
  const map = () => page.getByTestId('wall-map');

  before(async () => {
    assert.equal(here.length, 5, 'the fixture: five cameras in the town');
    server = await startServer(env);
    // Spread over today so far, in a day that lasts the whole run (not across the center's midnight).
    const day = await todayFor('Asia/Shanghai', SUITE_LASTS_MS);
    const today = (k: number) => day.back(k / 10);
    await post(server, 'police.calls', [...here, ...elsewhere].map((c, i) => call({ receivedAt: today(i + 1), location: { lon: c.lon, lat: c.lat, address: '某路1号' } })));
    await post(server, 'case.status', [caseChange({ changedAt: today(9), risk: 'red', gridId: here[0]!.gridId }), caseChange({ changedAt: today(9), risk: 'yellow', gridId: elsewhere[0]!.gridId })]);
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1920, height: 1080 });
    errors = collectPageErrors(page);
    await page.goto(`${server.url}/wall?token=${WALL}`);
    await waitForWallReady(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the county: its figure, the towns and the neighbouring counties named', async () => {
    assert.equal(await summaryCalls(''), 8);
    await waitFor('county KPI', kpi, (v) => v === '8', PAGE_CHANGE_MS, 200);
    assert.equal(await page.getByTestId('wall').getAttribute('data-area'), 'county');
    assert.equal(await map().getAttribute('data-label-level'), 'town');
    assert.deepEqual(((await map().getAttribute('data-labels')) ?? '').split(' ').sort(), region.towns.features.map((f) => f.properties.code).sort());
    assert.deepEqual(((await map().getAttribute('data-neighbours')) ?? '').split(' ').sort(), ['华阴市', '大荔县', '洛南县', '灵宝市', '芮城县'].sort());
    assert.equal(await page.getByTestId('area-card').count(), 0);
  });

  test('a click on a town: the panels show its figures, the area card its own, the map its villages', async () => {
    const [lon, lat] = labelPoint(town.geometry)!;
    await clickAt(lon, lat);
    await waitFor('the town selected', () => page.getByTestId('wall').getAttribute('data-area'), (v) => v === `town:${townCode}`, PAGE_CHANGE_MS, 100);
    const expected = await summaryCalls(`?town=${townCode}`);
    assert.equal(expected, 5);
    await waitFor('town KPI equal to the summary', kpi, (v) => v === String(expected), PAGE_CHANGE_MS, 200);
    // The other panels follow: the feed lists the town's calls only, the case funnel its one case.
    await waitFor('feed narrowed', () => page.locator('[data-testid=feed] [data-call-id]').count(), (n) => n > 0 && n <= 5, PAGE_CHANGE_MS, 200);
    assert.equal(await page.getByTestId('kpi-cases-open').getAttribute('data-value'), '1');
    assert.equal(await page.getByTestId('kpi-red-cases').getAttribute('data-value'), '1');
    const card = page.getByTestId('area-card');
    await card.waitFor({ timeout: PAGE_CHANGE_MS });
    assert.match((await card.locator('h3').textContent()) ?? '', new RegExp(town.properties.name));
    assert.equal(await card.locator('[data-figure=population]').getAttribute('data-value'), String(populationOfTown));
    assert.equal(await card.locator('[data-figure=calls24h]').getAttribute('data-value'), '5');
    assert.match((await card.locator('[data-risk=red]').textContent()) ?? '', /红色\s*1/);
    assert.match((await card.locator('[data-risk=yellow]').textContent()) ?? '', /黄色\s*0/);
    assert.equal(await map().getAttribute('data-label-level'), 'village');
    assert.deepEqual(((await map().getAttribute('data-labels')) ?? '').split(' ').sort(), villagesOfTown.map((f) => f.properties.code).sort());
    const crumbs = await page.locator('.map-crumbs button').allTextContents();
    assert.deepEqual(crumbs, ['全县', town.properties.name]);
    // The card's text is as legible as the rest of the wall.
    const small = await card.evaluate((root) => {
      const out: string[] = [];
      const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) {
        const el = n.parentElement;
        if (el && (n.textContent ?? '').trim() && parseFloat(getComputedStyle(el).fontSize) < 18) out.push(`${getComputedStyle(el).fontSize} "${n.textContent}"`);
      }
      return out;
    });
    assert.deepEqual(small, []);
    const box = (await card.boundingBox())!;
    const mapBox = (await map().boundingBox())!;
    assert.ok(box.x >= mapBox.x && box.y >= mapBox.y && box.x + box.width <= mapBox.x + mapBox.width && box.y + box.height <= mapBox.y + mapBox.height, `card ${JSON.stringify(box)} inside the map ${JSON.stringify(mapBox)}`);
    await saveScreenshot(page, 'wall-drill-town');
  });

  test('a click on a village goes one level down and names its grids; the breadcrumb goes back; 全县 restores the county', async () => {
    const village = villagesOfTown.find((v) => region.grids.features.some((g) => g.properties.villageCode === v.properties.code && g.properties.code === here[0]!.gridId))
      ?? villagesOfTown[0]!;
    const [lon, lat] = labelPoint(village.geometry)!;
    await clickAt(lon, lat);
    await waitFor('the village selected', () => page.getByTestId('wall').getAttribute('data-area'), (v) => v === `village:${village.properties.code}`, PAGE_CHANGE_MS, 100);
    assert.equal(await map().getAttribute('data-label-level'), 'grid');
    assert.deepEqual(((await map().getAttribute('data-labels')) ?? '').split(' ').sort(),
      region.grids.features.filter((g) => g.properties.villageCode === village.properties.code).map((g) => g.properties.code).sort());
    const inVillage = here.filter((c) => region.grids.features.find((g) => g.properties.code === c.gridId)!.properties.villageCode === village.properties.code).length;
    await waitFor('village KPI', kpi, (v) => v === String(inVillage), PAGE_CHANGE_MS, 200);
    assert.deepEqual(await page.locator('.map-crumbs button').allTextContents(), ['全县', town.properties.name, village.properties.name]);
    await saveScreenshot(page, 'wall-drill-village');

    await page.locator('.map-crumbs button', { hasText: town.properties.name }).click();
    await waitFor('back on the town', () => page.getByTestId('wall').getAttribute('data-area'), (v) => v === `town:${townCode}`, PAGE_CHANGE_MS, 100);
    await waitFor('town KPI again', kpi, (v) => v === '5', PAGE_CHANGE_MS, 200);

    await page.locator('.map-crumbs button', { hasText: '全县' }).click();
    await waitFor('back on the county', () => page.getByTestId('wall').getAttribute('data-area'), (v) => v === 'county', PAGE_CHANGE_MS, 100);
    await waitFor('county KPI again', kpi, (v) => v === String(8), PAGE_CHANGE_MS, 200);
    assert.equal(await page.getByTestId('area-card').count(), 0);
    assert.equal(await map().getAttribute('data-label-level'), 'town');
    assert.equal(await page.getByTestId('kpi-cases-open').getAttribute('data-value'), '2');
  });

  test('no page errors', () => {
    assert.deepEqual(errors(), []);
  });
});
