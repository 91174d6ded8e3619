/**
 * Replay on the wall in a real browser against the real embedded server: /wall?replay=FROM..TO
 * opens in replay with the 回放中 banner and the replayed day's figures, playing at 3600×
 * moves the replayed clock and the figures with it, and 返回实时 brings back the live wall
 * without a reload.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { strings } from '@watchfloor/config/strings';
import { startOfDay } from '@watchfloor/config/time';
import { PAGE_CHANGE_MS, collectPageErrors, launchBrowser, newPage, saveScreenshot, trackExternalRequests, waitForWallReady } from '../support/browser';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'replay-browser-wall-token';
const INGEST = 'replay-browser-ingest-token';
const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-replay-browser-'));

describe('replay on the wall in a browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let external: () => string[];
  let errors: () => string[];
  const now = Date.now();
  const today = startOfDay(new Date(now), TZ).getTime();
  const yesterday = startOfDay(new Date(today - 12 * HOUR), TZ).getTime();
  // Yesterday: 9 calls, one an hour from 10:00; the replay opens at 12:30 (3 of them by then).
  const past = Array.from({ length: 9 }, (_, i) => call({ receivedAt: new Date(yesterday + (10 + i) * HOUR).toISOString() }));
  const from = yesterday + 12.5 * HOUR;
  const to = yesterday + 24 * HOUR;
  // Today: 2 calls in the last minutes, so live reads apart from any moment of yesterday.
  const live = [call({ receivedAt: new Date(now - 120_000).toISOString() }), call({ receivedAt: new Date(now - 60_000).toISOString() })];

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST });
    for (const batch of [past, live]) {
      const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(batch) });
      assert.equal(r.status, 200);
    }
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1920, height: 1080 });
    external = trackExternalRequests(page, server.url);
    errors = collectPageErrors(page);
    await page.goto(`${server.url}/wall?token=${WALL}&replay=${new Date(from).toISOString()}..${new Date(to).toISOString()}`);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const kpi = async () => Number(await page.locator('[data-testid=kpi-calls-today]').getAttribute('data-value'));
  const replayAt = async () => Number(await page.locator('[data-testid=replay-banner]').getAttribute('data-at'));

  test('/wall?replay= opens in replay: the banner with the replayed time, the replayed day’s figures', async () => {
    await waitForWallReady(page);
    const banner = page.locator('[data-testid=replay-banner]');
    await banner.waitFor({ timeout: PAGE_CHANGE_MS });
    assert.match((await banner.textContent()) ?? '', new RegExp(strings.replay.banner));
    assert.match((await page.locator('[data-testid=replay-time]').textContent()) ?? '', /12:30:00/);
    assert.equal(await replayAt(), from);
    assert.equal(await page.locator('[data-testid=wall]').getAttribute('data-mode'), 'replay');
    await waitFor('yesterday’s calls by 12:30', kpi, (n) => n === 3, 20_000);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => { (window as unknown as { __sameDocument: boolean }).__sameDocument = true; });
    await saveScreenshot(page, 'wall-replay-open');
  });

  test('playing at 3600× moves the replayed clock and the figures with it', async () => {
    await page.locator('[data-testid=replay-speed-3600]').click();
    await page.locator('[data-testid=replay-play]').click();
    // An hour a second: by 15:00 replayed, the calls of 13:00, 14:00 and 15:00 have come in.
    await waitFor('the replayed clock past 15:00', replayAt, (t) => t >= yesterday + 15 * HOUR, 20_000, 100);
    await waitFor('calls of the replayed afternoon', kpi, (n) => n >= 6, 20_000, 100);
    await page.locator('[data-testid=replay-pause]').click();
    // Once the bar offers play again the screen shows the paused state.
    await page.locator('[data-testid=replay-play]').waitFor({ timeout: PAGE_CHANGE_MS });
    const paused = await replayAt();
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await replayAt(), paused, 'paused, the clock stands');
    await saveScreenshot(page, 'wall-replay-playing');
    // The keyboard steps too: → a minute on, while paused.
    await page.keyboard.press('ArrowRight');
    await waitFor('a step of a minute', replayAt, (t) => t === paused + 60_000, 20_000, 100);
  });

  test('返回实时 returns to the live wall without a reload', async () => {
    await page.locator('[data-testid=replay-exit]').click();
    await page.locator('[data-testid=replay-banner]').waitFor({ state: 'detached', timeout: PAGE_CHANGE_MS });
    assert.equal(await page.locator('[data-testid=wall]').getAttribute('data-mode'), 'live');
    await waitFor('today’s live calls', kpi, (n) => n === live.length, 20_000);
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'the same document: no reload');
    assert.ok(!new URL(page.url()).searchParams.has('replay'), 'the address no longer says replay');
    assert.equal(await page.locator('[data-testid=timebar]').getAttribute('data-mode'), 'live');
    assert.deepEqual(external(), []);
    assert.deepEqual(errors(), []);
  });

  test('yesterday at 3600× plays through the whole day without stalling, then returns to live', async () => {
    await page.locator('[data-testid=replay-open]').click();
    await page.locator(`[data-testid="replay-preset-${strings.replay.yesterday}"]`).click();
    await waitFor('yesterday opened at its midnight', replayAt, (t) => t === yesterday, 20_000, 100);
    await waitFor('the day’s first state', kpi, (n) => n === 0, 20_000, 100);
    await page.locator('[data-testid=replay-speed-3600]').click();
    const t0 = Date.now();
    await page.locator('[data-testid=replay-play]').click();
    // 24 h at an hour a second is 24 s; the bound leaves room for a loaded machine, not for a stall.
    const end = await waitFor('the replayed clock at the end of yesterday', replayAt, (t) => t >= yesterday + 24 * HOUR, 90_000, 200);
    const took = (Date.now() - t0) / 1000;
    assert.equal(end, yesterday + 24 * HOUR);
    assert.ok(took < 24 * 3, `a day at 3600× took ${took.toFixed(1)} s (24 s nominal)`);
    console.log(`[wall-replay] a day at 3600× played in ${took.toFixed(1)} s`);
    await page.locator('[data-testid=replay-play]').waitFor({ timeout: PAGE_CHANGE_MS });
    assert.equal(await page.locator('[data-testid=replay-status]').textContent(), strings.replay.ended);
    await page.locator('[data-testid=replay-exit]').click();
    await page.locator('[data-testid=replay-banner]').waitFor({ state: 'detached', timeout: PAGE_CHANGE_MS });
    await waitFor('today’s live calls again', kpi, (n) => n === live.length, 20_000);
    assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'back to live without a reload');
    assert.deepEqual(errors(), []);
  });
});
