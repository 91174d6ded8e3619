/**
 * The wall and the dispatch console under their Content-Security-Policy, in a real browser:
 * Next's scripts run with the request's nonce, maplibre's worker loads from our own origin, the
 * map draws, and the browser reports no violation (neither as a `securitypolicyviolation` event
 * nor in its console/log). The console is seen signed in, with its live socket (session cookie),
 * its API reads and an incident's card and suggestions open.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { strings } from '@watchfloor/config/strings';
import { WALL_READY_MS, canvasIsNonBlank, collectPageErrors, launchBrowser, newPage, waitForWallReady } from '../support/browser';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'csp-test-wall-token';
const INGEST = 'csp-test-ingest-token';
const CHIEF = { name: 'csp-chief', password: 'csp-chief-password-1' };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-csp-'));

interface Violation { directive: string; blocked: string; source: string }

describe('the wall and the console under their CSP', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: () => string[];
  const logged: string[] = [];

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST, ADMIN_USER: CHIEF.name, ADMIN_PASSWORD: CHIEF.password }, { waitForPages: true });
    const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify([call({ receivedAt: new Date().toISOString() })]) });
    assert.equal(r.status, 200);
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1280, height: 720 });
    await page.addInitScript(() => {
      const seen: Violation[] = [];
      (window as unknown as { __csp: Violation[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile }));
    });
    // The browser's own log is where a refused script or worker is reported.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Log.enable');
    cdp.on('Log.entryAdded', (e) => { if (/Content Security Policy|Refused to/i.test(e.entry.text)) logged.push(e.entry.text); });
    errors = collectPageErrors(page);
    await page.goto(`${server.url}/wall?token=${WALL}`);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('no CSP violation, no console error, and the map canvas draws', async () => {
    await waitForWallReady(page);
    await waitFor('the map drawn', () => canvasIsNonBlank(page, '[data-testid=wall-map]', 50), (ok) => ok, 60_000, 500);
    // The posted call reached the map: scripts, socket and region fetches all ran under the policy.
    await waitFor('the incident on the map', async () => page.getByTestId('wall-map').getAttribute('data-incidents'), (n) => n === '1', 30_000, 300);
    const violations = await page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);
    assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
    assert.deepEqual(logged, [], `browser log: ${logged.join('\n')}`);
    assert.deepEqual(errors(), []);
    const policy = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(policy ?? '', /script-src [^;]*'nonce-/);
  });

  test('/console: signed in, map, queue, card and suggestions, no CSP violation', async () => {
    const page2 = await newPage(browser, { width: 1920, height: 1080 });
    try {
      await page2.addInitScript(() => {
        const seen: Violation[] = [];
        (window as unknown as { __csp: Violation[] }).__csp = seen;
        document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile }));
      });
      const logged2: string[] = [];
      const cdp = await page2.context().newCDPSession(page2);
      await cdp.send('Log.enable');
      cdp.on('Log.entryAdded', (e) => { if (/Content Security Policy|Refused to/i.test(e.entry.text)) logged2.push(e.entry.text); });
      await page2.goto(`${server.url}/login?next=%2Fconsole`);
      const errors2 = collectPageErrors(page2);
      await page2.getByLabel(strings.login.username).fill(CHIEF.name);
      await page2.getByLabel(strings.login.password).fill(CHIEF.password);
      await page2.getByRole('button', { name: strings.login.submit }).click();
      await page2.waitForURL(/\/console$/, { timeout: 30_000 });
      await page2.locator('[data-testid=console][data-ready=true]').waitFor({ timeout: WALL_READY_MS });
      await waitFor('the map drawn', () => canvasIsNonBlank(page2, '[data-testid=wall-map]', 50), (ok) => ok, 60_000, 500);
      await page2.locator('[data-testid=queue] [data-incident-id]').first().click();
      await page2.getByTestId('incident-card').waitFor({ timeout: 30_000 });
      await page2.getByTestId('card-summary').waitFor({ timeout: 30_000 });
      assert.equal(await page2.getByTestId('live').getAttribute('data-connected'), 'true');
      const violations = await page2.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);
      assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
      assert.deepEqual(logged2, [], `browser log: ${logged2.join('\n')}`);
      assert.deepEqual(errors2(), []);
      const policy = await page2.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
      assert.match(policy ?? '', /script-src [^;]*'nonce-/);
      assert.doesNotMatch(policy ?? '', /script-src [^;]*'unsafe-(inline|eval)'/);
    } finally {
      await page2.context().close();
    }
  });
});
