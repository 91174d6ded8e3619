/**
 * The weekly briefing end to end on the real server: who may read it, an analyst's pages in a
 * real chromium (page 1's figures equal the API's and the events', definitions one click away,
 * the keyboard to page 7), a dispatcher refused, and the PDF and PNG exports — valid files whose
 * text holds the titles and figures and none of the personal data the events carried.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BRIEFING_DEFINITIONS } from '@watchfloor/config/briefing';
import { strings } from '@watchfloor/config/strings';
import { collectPageErrors, decodePng, launchBrowser, newPage, saveScreenshot } from '../support/browser';
import { alert, call, caseChange, uid } from '../support/events';
import { pdfText } from '../support/pdftotext';
import { startServer, type RunningServer } from '../support/server';
import { budget } from '../support/wait';
import { CLEAR_MOBILE } from '../support/privacy';

const INGEST = 'brief-test-ingest-token';
const ADMIN = 'brief-test-admin-token';
const WALL = 'brief-test-wall-token';
const ANALYST = { name: 'analyst-w', password: 'analyst-password-1' };
const DISPATCHER = { name: 'duty-w', password: 'dispatcher-password-1' };
const PHONE = '13812341234';
const PERSON = '张三丰';
const STREET = '城关街道某路12号';
const READY_MS = budget(60_000);

// Last week in Beijing time, worked out here: Monday 00:00 (UTC+8, no DST) of this week, minus 7 days.
const DAY = 86_400_000;
const nowLocal = Date.now() + 8 * 3_600_000;
const thisMonday = Math.floor(nowLocal / DAY) * DAY - ((new Date(nowLocal).getUTCDay() + 6) % 7) * DAY - 8 * 3_600_000;
const FROM = thisMonday - 7 * DAY;
const at = (dayOffset: number, hour: number) => new Date(FROM + dayOffset * DAY + hour * 3_600_000).toISOString();

describe('weekly briefing: pages, roles and exports', () => {
  let server: RunningServer;
  let browser: Browser;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-brief-'));
  const cookies: Record<string, string> = {};

  async function post(topic: string, items: unknown[]) {
    const r = await fetch(`${server.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    const body = (await r.json()) as { accepted: number };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.accepted, items.length, JSON.stringify(body));
  }
  async function signIn(u: { name: string; password: string }): Promise<string> {
    const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.name, password: u.password }) });
    assert.equal(r.status, 200, await r.clone().text());
    return r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!.slice('wf_session='.length);
  }
  async function pageAs(who: string): Promise<Page> {
    const page = await newPage(browser, { width: 1920, height: 1080 });
    await page.context().addCookies([{ name: 'wf_session', value: cookies[who]!, url: server.url }]);
    return page;
  }

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, LOGIN_RATE_LIMIT: '100' }, { waitForPages: true });
    for (const [u, role] of [[ANALYST, 'analyst'], [DISPATCHER, 'dispatcher']] as const) {
      const r = await fetch(`${server.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: u.name, role, password: u.password }) });
      assert.equal(r.status, 201, await r.text());
    }
    cookies.analyst = await signIn(ANALYST);
    cookies.dispatcher = await signIn(DISPATCHER);
    // Last week: 4 calls (2 traffic, 1 criminal, 1 fraud), 3 alerts, 2 disputes of which 1 resolved;
    // every call carries a phone, a person's name and a street address, which no export may show.
    const personal = { callerPhone: PHONE, summary: `报警人${PERSON}称家门口两车相撞`, location: { ...call().location, address: STREET } };
    await post('police.calls', [
      call({ id: uid('WC'), category: 'traffic', receivedAt: at(0, 9), ...personal }),
      call({ id: uid('WC'), category: 'traffic', receivedAt: at(2, 14), ...personal }),
      call({ id: uid('WC'), category: 'criminal', receivedAt: at(4, 20), ...personal }),
      call({ id: uid('WC'), category: 'fraud', receivedAt: at(6, 23.5), ...personal }),
      call({ id: uid('WC'), category: 'fraud', receivedAt: at(7, 1), ...personal }), // this week: not counted
    ]);
    await post('camera.alerts', [alert({ id: uid('WA'), occurredAt: at(1, 10) }), alert({ id: uid('WA'), occurredAt: at(3, 10) }), alert({ id: uid('WA'), occurredAt: at(5, 10) })]);
    const d1 = uid('WD');
    await post('case.status', [
      caseChange({ caseId: d1, changedAt: at(1, 9), assignee: PERSON, note: `${PERSON}与邻居因${STREET}围墙争执` }),
      caseChange({ caseId: d1, changedAt: at(2, 9), status: 'resolved', assignee: PERSON }),
      caseChange({ caseId: uid('WD'), changedAt: at(3, 9), assignee: PERSON }),
    ]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the API: analysts, admins and the wall read it; a dispatcher is refused; nobody else', async () => {
    const get = (headers: Record<string, string>) => fetch(`${server.url}/api/stats/briefing`, { headers });
    assert.equal((await get({ cookie: `wf_session=${cookies.analyst}` })).status, 200);
    assert.equal((await get({ authorization: `Bearer ${WALL}` })).status, 200);
    assert.equal((await get({ authorization: `Bearer ${ADMIN}` })).status, 200);
    assert.equal((await get({ cookie: `wf_session=${cookies.dispatcher}` })).status, 403);
    assert.equal((await get({})).status, 401);
    assert.equal((await fetch(`${server.url}/api/briefing/export.png`, { headers: { cookie: `wf_session=${cookies.dispatcher}` } })).status, 403);
    assert.equal((await fetch(`${server.url}/api/stats/briefing?region=999`, { headers: { authorization: `Bearer ${WALL}` } })).status, 400);
  });

  test('an analyst sees page 1 equal to the API, opens a definition, and turns to page 7 with the keyboard', async () => {
    const api = (await (await fetch(`${server.url}/api/stats/briefing`, { headers: { cookie: `wf_session=${cookies.analyst}` } })).json()) as {
      range: { from: string }; calls: { total: number }; alerts: { total: number }; cases: { identified: number; resolutionRate: number };
    };
    assert.equal(api.range.from, new Date(FROM).toISOString(), 'the default period is last Monday–Sunday');
    assert.deepEqual([api.calls.total, api.alerts.total, api.cases.identified, api.cases.resolutionRate], [4, 3, 2, 0.5]);

    const page = await pageAs('analyst');
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/briefing`);
    await page.locator('[data-testid=briefing][data-ready=true]').waitFor({ timeout: READY_MS });
    assert.equal(await page.getByTestId('fig-calls-total').textContent(), String(api.calls.total));
    assert.equal(await page.getByTestId('fig-alerts-total').textContent(), String(api.alerts.total));
    assert.equal(await page.getByTestId('fig-cases-identified').textContent(), String(api.cases.identified));
    assert.equal(await page.getByTestId('fig-cases-rate').textContent(), '50.0%');
    await page.getByTestId('def-callsTotal').click();
    assert.match((await page.getByTestId('definition').textContent()) ?? '', new RegExp(BRIEFING_DEFINITIONS.callsTotal.replace(/[()（）]/g, '.')));
    await page.getByTestId('def-callsTotal').click();
    await saveScreenshot(page, 'briefing-page-1');

    const keys = ['ArrowRight', 'PageDown', 'ArrowRight', 'PageDown', 'ArrowRight', 'ArrowRight'];
    for (let i = 0; i < keys.length; i++) {
      await page.keyboard.press(keys[i]!);
      const n = i + 2;
      await page.locator(`[data-testid=briefing][data-page="${n}"][data-ready=true]`).waitFor({ timeout: READY_MS });
      assert.equal(await page.getByTestId('page-title').textContent(), strings.briefing.pages[n - 1]);
      await saveScreenshot(page, `briefing-page-${n}`);
    }
    await page.keyboard.press('ArrowRight'); // past the last page: stays
    await page.keyboard.press('PageUp');
    await page.locator('[data-testid=briefing][data-page="6"]').waitFor({ timeout: READY_MS });
    assert.deepEqual(errors(), []);
    await page.context().close();
  });

  test('a dispatcher opening /briefing is told it is not for them', async () => {
    const page = await pageAs('dispatcher');
    await page.goto(`${server.url}/briefing`);
    await page.getByTestId('briefing-refused').waitFor({ timeout: READY_MS });
    assert.equal(await page.getByTestId('briefing-refused').textContent(), strings.briefing.refused);
    assert.equal(await page.locator('[data-testid=fig-calls-total]').count(), 0);
    await page.context().close();
  });

  test('the PDF and PNG exports are valid, hold the titles and figures, and no phone, name or street address', async () => {
    const auth = { cookie: `wf_session=${cookies.analyst}` };
    const r = await fetch(`${server.url}/api/briefing/export.pdf`, { headers: auth });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await r.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const { text, pages } = pdfText(pdf);
    assert.equal(pages, 7);
    for (const title of strings.briefing.pages) assert.ok(text.includes(title), `page title ${title} in the PDF`);
    assert.ok(text.includes(strings.briefing.title));
    assert.match(text, /接警 ⓘ/);
    assert.ok(text.includes('50.0%'), 'the 化解率 figure');
    const flat = text.replace(/\s+/g, '');
    assert.ok(!flat.includes(PHONE) && !CLEAR_MOBILE.test(flat) && !/\d{3}\*{4}\d{4}/.test(flat), 'no phone number, in clear or masked');
    assert.ok(!flat.includes(PERSON), 'no person’s name');
    assert.ok(!flat.includes('某路12号') && !flat.includes(STREET), 'no street address');

    const p = await fetch(`${server.url}/api/briefing/export.png?page=2`, { headers: auth });
    assert.equal(p.status, 200, await p.clone().text());
    assert.equal(p.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await p.arrayBuffer());
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height], [1920, 1080]);
    fs.mkdirSync(path.join('test-results', 'screenshots'), { recursive: true });
    fs.writeFileSync(path.join('test-results', 'screenshots', 'briefing-export-page-2.png'), png);
    // The map became an image of its frame (not a blank canvas): many colours where it sits.
    const colours = new Set<number>();
    for (let y = 200; y < 900; y += 7) for (let x = 100; x < 1000; x += 7) { const i = (y * img.width + x) * 4; colours.add((img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!); }
    assert.ok(colours.size > 20, `the exported map has content (${colours.size} colours)`);
  });
});
