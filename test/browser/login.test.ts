/**
 * Signing in as a person does, in a real browser under the page's CSP: /console without a
 * session goes to /login (and back after); a wrong password is told in Chinese without saying which field was
 * wrong; the right one lands on /console showing who is signed in; signing out goes back to
 * /login and the session is over. No CSP violation, no page error.
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

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-login-'));
const PASSWORD = 'browser-Secret-6120';

describe('/login and /console in a browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: () => string[];

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', ADMIN_USER: '值班长', ADMIN_PASSWORD: PASSWORD }, { waitForPages: true });
    browser = await launchBrowser();
    page = await newPage(browser, { width: 1280, height: 720 });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    errors = collectPageErrors(page);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('sign in, see who is signed in, sign out', async () => {
    await page.goto(`${server.url}/console`);
    // Sent to /login, which is told where to bring the visitor back to.
    await page.waitForURL(/\/login\?next=%2Fconsole$/, { timeout: 30_000 });

    await page.getByLabel(strings.login.username).fill('值班长');
    await page.getByLabel(strings.login.password).fill('not-the-password');
    await page.getByRole('button', { name: strings.login.submit }).click();
    await page.getByRole('alert').filter({ hasText: strings.login.invalid }).waitFor({ timeout: 15_000 });

    await page.getByLabel(strings.login.password).fill(PASSWORD);
    await page.getByRole('button', { name: strings.login.submit }).click();
    await page.waitForURL(/\/console$/, { timeout: 15_000 });
    await page.getByTestId('signed-in').filter({ hasText: '值班长' }).waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('signed-in').innerText(), new RegExp(strings.console.role.admin));
    await saveScreenshot(page, 'console-signed-in');
    const cookies = await page.context().cookies();
    const c = cookies.find((x) => x.name === 'wf_session')!;
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('wf_session')), false, 'scripts cannot read the session cookie');

    await page.getByRole('button', { name: strings.console.signOut }).click();
    await page.waitForURL(/\/login$/, { timeout: 15_000 });
    const after = await page.evaluate(async () => (await fetch('/api/session')).status);
    assert.equal(after, 401);

    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(errors().filter((e) => !/401|Unauthorized/.test(e)), []);
    assert.ok(!server.output().includes(PASSWORD), 'the password is in no log line');
  });
});
