/**
 * /console/audit in a real browser under the page's CSP: an admin signed in sees the trail
 * (their own sign-in among the entries), filters it by action, and reads the chain's
 * verification; a dispatcher is told the page is for admins and sees no entry (the API
 * refuses them 403 too). No CSP violation, no page error.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { strings } from '@watchfloor/config/strings';
import { collectPageErrors, launchBrowser, newPage, saveScreenshot } from '../support/browser';
import { startServer, type RunningServer } from '../support/server';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-auditview-'));
const ADMIN_TOKEN = 'audit-view-admin-token';
const CHIEF = { name: 'chief', password: 'chief-Secret-7781' };
const DUTY = { name: 'duty-v', password: 'duty-v-password-1' };
const t = strings.audit;

describe('/console/audit in a browser', () => {
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', ADMIN_TOKEN, ADMIN_USER: CHIEF.name, ADMIN_PASSWORD: CHIEF.password, LOGIN_RATE_LIMIT: '100' }, { waitForPages: true });
    const r = await fetch(`${server.url}/api/users`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: DUTY.name, role: 'dispatcher', password: DUTY.password }),
    });
    assert.equal(r.status, 201, await r.text());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(u: { name: string; password: string }): Promise<{ page: Page; errors: () => string[] }> {
    const page = await newPage(browser, { width: 1280, height: 800 });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    const errors = collectPageErrors(page);
    await page.goto(`${server.url}/login`);
    await page.getByLabel(strings.login.username).fill(u.name);
    await page.getByLabel(strings.login.password).fill(u.password);
    await page.getByRole('button', { name: strings.login.submit }).click();
    await page.waitForURL(/\/console$/, { timeout: 15_000 });
    await page.goto(`${server.url}/console/audit`);
    return { page, errors };
  }

  test('an admin sees the entries, filters them, and the chain verified', async () => {
    const { page, errors } = await signedIn(CHIEF);
    const table = page.getByTestId('audit-table');
    await table.waitFor({ timeout: 20_000 });
    const rows = table.locator('tbody tr');
    await rows.filter({ hasText: t.actions['login.success']! }).filter({ hasText: CHIEF.name }).first().waitFor({ timeout: 10_000 });
    assert.ok((await rows.filter({ hasText: t.actions['user.create']! }).count()) >= 2, 'the bootstrap admin and the dispatcher were created');
    const verdict = await page.getByTestId('audit-verdict').innerText();
    assert.match(verdict, /哈希链校验通过/);
    await saveScreenshot(page, 'console-audit');

    await page.locator('select[name="action"]').selectOption('user.create');
    await page.getByRole('button', { name: t.search }).click();
    await page.waitForFunction((label) => {
      const trs = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')];
      return trs.length > 0 && trs.every((tr) => tr.children[2]?.textContent === label);
    }, t.actions['user.create']!, { timeout: 10_000 });
    assert.equal(await rows.count(), 2, 'only the two user.create entries');

    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors(), []);
    await page.context().close();
  });

  test('a dispatcher is refused', async () => {
    const { page } = await signedIn(DUTY);
    await page.getByRole('alert').filter({ hasText: t.forbidden }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('audit-table').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/audit')).status);
    assert.equal(status, 403);
    await page.context().close();
  });
});
