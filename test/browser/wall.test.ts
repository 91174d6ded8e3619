/**
 * The wall in a real browser (Debian chromium, SwiftShader WebGL) against the real server
 * in embedded mode: map and panels render with the same figures as /api/stats/summary, a
 * posted call reaches feed and map, a stopped server shows 数据中断 and a restarted one
 * clears it, and nothing is loaded from outside the server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PAGE_CHANGE_MS, canvasIsNonBlank, collectPageErrors, launchBrowser, newPage, saveScreenshot, trackExternalRequests, waitForWallReady } from '../support/browser';
import { strings } from '@watchfloor/config/strings';
import { startOfDay } from '@watchfloor/config/time';
import { alert, call, caseChange } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'browser-test-wall-token';
const INGEST = 'browser-test-ingest-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-browser-'));
let oldestCallAt = 0;
const env = { DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST, WALL_STALE_SECONDS: '8' };

async function post(s: RunningServer, topic: string, items: unknown[]) {
  const r = await fetch(`${s.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
  assert.equal(r.status, 200);
  return r.json();
}

describe('the wall in a browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let external: () => string[];
  let errors: () => string[];

  before(async () => {
    server = await startServer(env);
    // Spread over today so far (in the center's zone): "today" figures must count all of them
    // whenever the suite runs, just after midnight included.
    const now = Date.now();
    const dayStart = startOfDay(new Date(now), 'Asia/Shanghai').getTime();
    const today = (k: number) => new Date(now - ((now - dayStart) * k) / 14).toISOString();
    oldestCallAt = Date.parse(today(12));
    await post(server, 'police.calls', Array.from({ length: 12 }, (_, i) => call({ receivedAt: today(i + 1), category: i % 3 ? 'traffic' : 'help' })));
    await post(server, 'camera.alerts', [alert({ occurredAt: new Date(now - 1000).toISOString() })]);
    await post(server, 'case.status', [caseChange({ changedAt: today(13), risk: 'red' })]);
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1920, height: 1080 });
    external = trackExternalRequests(page, server.url);
    errors = collectPageErrors(page);
    await page.goto(`${server.url}/wall?token=${WALL}`);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('map and panels render, with the figures of /api/stats/summary', async () => {
    await waitForWallReady(page);
    const summary = (await (await fetch(`${server.url}/api/stats/summary`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as { calls: { total: number } };
    assert.equal(summary.calls.total, 12);
    const kpi = page.getByTestId('kpi-calls-today');
    await waitFor('KPI equal to the summary', async () => kpi.getAttribute('data-value'), (v) => v === String(summary.calls.total), PAGE_CHANGE_MS, 200);
    await waitFor('the map drawn', () => canvasIsNonBlank(page, '[data-testid=wall-map]', 50), (ok) => ok, PAGE_CHANGE_MS, 500);
    assert.equal(await page.getByTestId('wall-map').getAttribute('data-incidents'), '12');
    await page.getByTestId('warnings').waitFor();
    assert.match((await page.getByTestId('data-age').textContent()) ?? '', /数据更新/);
    assert.equal(await page.getByTestId('stale-banner').count(), 0);
    await waitFor('feed filled', async () => page.locator('[data-testid=feed] [data-call-id]').count(), (n) => n === 6, PAGE_CHANGE_MS, 200);
    await saveScreenshot(page, 'wall-1920x1080');
  });

  test('legible from the back of the room: no text below 18 px at 1920×1080, list rows ≥ 20 px, headline numerals ≥ 48 px in tabular figures', async () => {
    const r = await page.evaluate(() => {
      const small: string[] = [];
      const rows: string[] = [];
      let texts = 0;
      const walker = document.createTreeWalker(document.querySelector('[data-testid=wall]')!, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        const text = (n.textContent ?? '').trim();
        if (!el || !text) continue;
        const box = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        if (box.width === 0 || box.height === 0 || cs.visibility === 'hidden' || box.right <= 0 || box.bottom <= 0 || box.left >= innerWidth || box.top >= innerHeight) continue;
        texts++;
        const px = parseFloat(cs.fontSize);
        if (px < 18) small.push(`${px}px ${el.tagName.toLowerCase()}.${el.className} "${text.slice(0, 20)}"`);
        if (el.closest('li') && px < 20) rows.push(`${px}px ${el.tagName.toLowerCase()}.${el.className} "${text.slice(0, 20)}"`);
      }
      const headlines = [...document.querySelectorAll('.kpi .num')].map((e) => ({ id: e.getAttribute('data-testid'), px: parseFloat(getComputedStyle(e).fontSize), tnum: getComputedStyle(e).fontVariantNumeric }));
      return { small, rows, texts, headlines };
    });
    assert.ok(r.texts > 40, `only ${r.texts} text elements found`);
    assert.deepEqual(r.small, [], `text below 18 px:\n${r.small.join('\n')}`);
    assert.deepEqual(r.rows, [], `list rows below 20 px:\n${r.rows.join('\n')}`);
    assert.ok(r.headlines.length >= 3, JSON.stringify(r.headlines));
    // 警力调度 shows every incident state and 可调警力: each cell whole, inside its panel and the screen.
    const cut = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid=dispatch]')!.getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=dispatch] .cell')].map((c) => ({ text: c.textContent, box: c.getBoundingClientRect() }))
        .filter(({ box }) => box.bottom > Math.min(panel.bottom, innerHeight) + 0.5 || box.right > Math.min(panel.right, innerWidth) + 0.5)
        .map(({ text }) => text);
    });
    assert.equal(await page.locator('[data-testid=dispatch] .cell').count(), 7, 'six states and the available units');
    assert.deepEqual(cut, [], '警力调度 cells cut off');
    for (const h of r.headlines) {
      assert.ok(h.px >= 48, `headline ${h.id} is ${h.px} px`);
      assert.match(h.tnum, /tabular-nums/, `headline ${h.id}`);
    }
  });

  test('every figure says its window, the chart its units, and no developer words are on the wall', async () => {
    const texts = await page.evaluate(() => {
      const root = document.querySelector('[data-testid=wall]')!;
      const out = [root.textContent ?? ''];
      for (const e of root.querySelectorAll('[title],[aria-label]')) out.push(e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? '');
      return out;
    });
    const bad = texts.filter((t) => /config\/|\.json|null|undefined|NaN/.test(t));
    assert.deepEqual(bad, []);
    const all = texts.join(' ');
    assert.match(all, /今日接警（0时起）/);
    assert.match(all, /警力调度（近24小时）/);
  });

  test('待派警 with its longest wait, 红色风险 and 在办纠纷 show the posted data', async () => {
    // 12 calls posted, all received; the oldest (i = 11, k = 12) was received 12/14 of today ago.
    const fig = async (id: string) => page.getByTestId(id).getAttribute('data-value');
    await waitFor('awaiting dispatch', () => fig('kpi-awaiting-dispatch'), (v) => v === '12', PAGE_CHANGE_MS, 200);
    assert.equal(await fig('kpi-red-cases'), '1');
    assert.equal(await fig('kpi-cases-open'), '1');
    const wait = Number(await page.getByTestId('longest-wait').getAttribute('data-ms'));
    const now = Date.now();
    const expected = now - oldestCallAt;
    assert.ok(Math.abs(wait - expected) < 10_000, `longest wait ${wait} ms, expected about ${expected} ms`);
    assert.equal(await page.getByTestId('longest-wait').textContent(), strings.panels.longestWait(Math.floor(wait / 60_000)));
  });

  test('a call posted to the ingest API appears in the feed and on the map', async () => {
    const c = call({ receivedAt: new Date().toISOString(), priority: 1, category: 'criminal' });
    await post(server, 'police.calls', [c]);
    await page.locator(`[data-testid=feed] [data-call-id="${c.id}"]`).waitFor({ timeout: PAGE_CHANGE_MS });
    assert.equal(await page.getByTestId('wall-map').getAttribute('data-newest-incident'), c.id);
    assert.equal(await page.getByTestId('kpi-calls-today').getAttribute('data-value'), '13');
  });

  test('layers toggle and the choropleth switches what it shows', async () => {
    const map = page.getByTestId('wall-map');
    assert.match((await map.getAttribute('data-layers')) ?? '', /\bunits\b/);
    await page.locator('input[data-layer=units]').uncheck();
    await waitFor('units layer hidden', async () => map.getAttribute('data-layers'), (v) => !/\bunits\b/.test(v ?? ''), PAGE_CHANGE_MS, 100);
    await page.locator('input[data-layer=cameras]').check();
    await waitFor('cameras layer shown', async () => map.getAttribute('data-layers'), (v) => /\bcameras\b/.test(v ?? ''), PAGE_CHANGE_MS, 100);
    await page.locator('button[data-heat=calls-7d]').click();
    await page.getByRole('button', { name: '每万人' }).click();
    assert.equal(await map.getAttribute('data-heat'), 'calls-7d-rate');
    assert.ok(await canvasIsNonBlank(page, '[data-testid=wall-map]', 50));
    await page.locator('button[data-heat=calls-24h]').click();
    await page.getByRole('button', { name: '数量' }).click();
  });

  test('a lost WebGL context is survived: the map comes back by itself', async () => {
    const lost = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid=wall-map] canvas') as HTMLCanvasElement | null;
      const gl = canvas?.getContext('webgl2') ?? canvas?.getContext('webgl');
      const ext = gl?.getExtension('WEBGL_lose_context');
      if (!ext) return false;
      ext.loseContext();
      return true;
    });
    assert.ok(lost, 'the map canvas offers WEBGL_lose_context');
    await page.locator('.map-lost').waitFor({ timeout: PAGE_CHANGE_MS });
    await page.locator('.map-lost').waitFor({ state: 'detached', timeout: PAGE_CHANGE_MS });
    // The remounted map's own first frame, then what the compositor shows.
    await page.locator('[data-testid=wall-map][data-drawn=true]').waitFor({ timeout: PAGE_CHANGE_MS * 2 });
    await waitFor('the map drawn again', () => canvasIsNonBlank(page, '[data-testid=wall-map]', 50), (ok) => ok, PAGE_CHANGE_MS, 500);
    assert.equal(await page.getByTestId('wall-map').getAttribute('data-incidents'), '13');
  });

  test('the wall renders at 3840×2160 without overflow', async () => {
    const big = await newPage(browser, { width: 3840, height: 2160 });
    try {
      await big.goto(`${server.url}/wall?token=${WALL}`);
      await waitForWallReady(big);
      await waitFor('KPI on the 4K wall', async () => big.getByTestId('kpi-calls-today').getAttribute('data-value'), (v) => v === '13', PAGE_CHANGE_MS, 200);
      const box = await big.getByTestId('wall-map').boundingBox();
      assert.ok(box && box.width > 1500 && box.x + box.width <= 3840 && box.y + box.height <= 2160, `map box ${JSON.stringify(box)}`);
      const scroll = await big.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
      assert.deepEqual(scroll, [3840, 2160]);
      await saveScreenshot(big, 'wall-3840x2160');
    } finally {
      await big.context().close();
    }
  });

  test('the wall renders at 3840×1080 (32:9) without overflow', async () => {
    const wide = await newPage(browser, { width: 3840, height: 1080 });
    try {
      await wide.goto(`${server.url}/wall?token=${WALL}`);
      await waitForWallReady(wide);
      const scroll = await wide.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
      assert.deepEqual(scroll, [3840, 1080]);
      await saveScreenshot(wide, 'wall-3840x1080');
    } finally {
      await wide.context().close();
    }
  });

  test('a server that answers but gets no data for too long shows 数据中断 too', async () => {
    const quiet = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-quiet-'));
    const s2 = await startServer({ ...env, DATA_DIR: quiet });
    const p2 = await newPage(browser, { width: 1280, height: 720 });
    try {
      await p2.goto(`${s2.url}/wall?token=${WALL}`);
      const banner = p2.getByTestId('stale-banner');
      // While it connects, a slow machine may first show the connection variant; then the feeds' silence.
      await waitFor('the no-data banner', async () => (await banner.count()) ? banner.getAttribute('data-reason') : null, (r) => r === 'no-data', 60_000, 250);
      await post(s2, 'police.calls', [call({ receivedAt: new Date().toISOString() })]);
      await banner.waitFor({ state: 'detached', timeout: PAGE_CHANGE_MS });
    } finally {
      await p2.context().close();
      await s2.stop();
      fs.rmSync(quiet, { recursive: true, force: true });
    }
  });

  test('a stopped server shows 数据中断; a restarted one clears it', async () => {
    const port = server.port;
    await server.stop();
    await page.getByTestId('stale-banner').waitFor({ timeout: PAGE_CHANGE_MS });
    assert.equal(await page.getByTestId('stale-banner').getAttribute('data-reason'), 'connection');
    await saveScreenshot(page, 'wall-stale');
    server = await startServer(env, { port });
    await page.getByTestId('stale-banner').waitFor({ state: 'detached', timeout: PAGE_CHANGE_MS * 2 });
    await waitFor('figures back after the restart', async () => page.getByTestId('kpi-calls-today').getAttribute('data-value'), (v) => v === '13', PAGE_CHANGE_MS, 300);
  });

  test('nothing was loaded from outside the server, and no page errors', () => {
    assert.deepEqual(external(), []);
    // The browser logs its refused reconnects while the server is deliberately down; nothing else may appear.
    assert.deepEqual(errors().filter((e) => !/socket\.io.*ERR_CONNECTION_REFUSED/.test(e)), []);
  });
});
