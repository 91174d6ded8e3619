/**
 * Done when: a .pmtiles basemap renders with no request leaving the origin. The real server
 * with BASEMAP_PMTILES set to a small archive this test builds (Protomaps-basemap layers over
 * Tongguan), the wall in chromium: the basemap's tiles load through byte-range requests to
 * /api/basemap.pmtiles, its place names are drawn with the screen's own fonts (no glyph
 * server), and every request the page makes goes to the server's own origin.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PAGE_CHANGE_MS, canvasIsNonBlank, collectPageErrors, launchBrowser, newPage, saveScreenshot, trackExternalRequests, waitForWallReady } from '../support/browser';
import { writeArchive, type BBox } from '../support/pmtiles-archive';
import { tongguan } from '../support/region';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'basemap-test-wall-token';
const CHIEF = { name: 'basemap-chief', password: 'basemap-chief-password-1' };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-basemap-'));
const archive = path.join(dataDir, 'tongguan.pmtiles');

interface BasemapRequest { range: string | undefined; status: number | null }

describe('the wall over a .pmtiles basemap', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let size = 0;
  let external: () => string[];
  let errors: () => string[];
  const all: string[] = [];
  const basemapRequests: BasemapRequest[] = [];

  before(async () => {
    const [x0, y0, x1, y1] = tongguan().meta.bbox;
    const bbox: BBox = [x0 - 0.1, y0 - 0.1, x1 + 0.1, y1 + 0.1];
    size = writeArchive(archive, bbox, { maxZoom: 12 }).bytes.length;
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, BASEMAP_PMTILES: archive, ADMIN_USER: CHIEF.name, ADMIN_PASSWORD: CHIEF.password });
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1920, height: 1080 });
    external = trackExternalRequests(page, server.url);
    errors = collectPageErrors(page);
    page.on('request', (r) => all.push(r.url()));
    page.on('requestfinished', (r) => {
      if (new URL(r.url()).pathname !== '/api/basemap.pmtiles') return;
      void r.response().then((res) => basemapRequests.push({ range: r.headers().range, status: res?.status() ?? null }));
    });
    await page.goto(`${server.url}/wall?token=${WALL}`);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the basemap loads its tiles by byte ranges and draws its place names, with nothing from outside', async () => {
    await waitForWallReady(page);
    const mapEl = page.locator('[data-testid=wall-map] [data-basemap-tiles]');
    await waitFor('basemap tiles loaded', async () => Number(await mapEl.getAttribute('data-basemap-tiles', { timeout: 1000 })), (n) => n >= 1, PAGE_CHANGE_MS, 250);
    // Two names are in the archive inside the county; at the wall's zoom both are drawn (local fonts, no glyphs URL).
    await waitFor('basemap place names drawn', async () => Number(await mapEl.getAttribute('data-basemap-labels', { timeout: 1000 })), (n) => n >= 1, PAGE_CHANGE_MS, 250);
    await waitFor('the map drawn', () => canvasIsNonBlank(page, '[data-testid=wall-map]', 50), (ok) => ok, PAGE_CHANGE_MS, 500);
    await saveScreenshot(page, 'basemap-wall');

    // The header (the first 16 KiB asked, the archive is smaller) and at least one tile, each a range answered 206.
    assert.ok(basemapRequests.length >= 2, `requests to the archive: ${JSON.stringify(basemapRequests)}`);
    for (const r of basemapRequests) {
      assert.match(r.range ?? '', /^bytes=\d+-\d+$/, 'every read of the archive is a byte range');
      assert.equal(r.status, 206);
    }
    assert.ok(basemapRequests.some((r) => r.range === 'bytes=0-16383'), 'the pmtiles client read the header first');
    assert.ok(basemapRequests.some((r) => Number(/^bytes=(\d+)-/.exec(r.range ?? '')?.[1]) > 127), 'and then tiles past the header');

    assert.deepEqual(external(), [], 'no request left the origin');
    assert.deepEqual(all.filter((u) => /glyph|fontstack|\.pbf(\?|$)/i.test(u)), [], 'no glyph request at all');
    assert.deepEqual(errors(), []);
  });

  test('the archive answers a signed-in reader, and nobody without a token or session', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: CHIEF.name, password: CHIEF.password }) });
    assert.equal(login.status, 200, await login.clone().text());
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!;
    const r = await fetch(`${server.url}/api/basemap.pmtiles`, { headers: { cookie, range: 'bytes=0-6' } });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes 0-6/${size}`);
    assert.equal(Buffer.from(await r.arrayBuffer()).toString('ascii'), 'PMTiles');
    assert.equal((await fetch(`${server.url}/api/basemap.pmtiles`, { headers: { range: 'bytes=0-6' } })).status, 401);
  });
});
