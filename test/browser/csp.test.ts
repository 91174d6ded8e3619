/**
 * The wall under its Content-Security-Policy, in a real browser: Next's scripts run with the
 * request's nonce, maplibre's worker loads from our own origin, the map draws, and the browser
 * reports no violation (neither as a `securitypolicyviolation` event nor in its console/log).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { canvasIsNonBlank, collectPageErrors, launchBrowser, newPage, waitForWallReady } from '../support/browser';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'csp-test-wall-token';
const INGEST = 'csp-test-ingest-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-csp-'));

interface Violation { directive: string; blocked: string; source: string }

describe('the wall under its CSP', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: () => string[];
  const logged: string[] = [];

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST }, { waitForPages: true });
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
});
