/**
 * What a first visitor meets on the real server: the landing page links the wall, the console
 * and the briefing; an unknown address answers 404 with a Chinese page and the way home.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { strings } from '@watchfloor/config/strings';
import { startServer, type RunningServer } from '../support/server';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pages-'));
let server: RunningServer;

before(async () => { server = await startServer({ DATA_DIR: dir, SIMULATE: '0' }, { waitForPages: true }); });
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the landing page links the wall, the console and the briefing', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  const html = await res.text();
  for (const href of ['/wall', '/console', '/briefing']) assert.match(html, new RegExp(`href="${href}"`), `no link to ${href}`);
  for (const l of strings.landing.links) assert.ok(html.includes(l.name), `no ${l.name}`);
});

test('an unknown address is a 404 in Chinese, with the way home', async () => {
  const res = await fetch(`${server.url}/no-such-page`);
  assert.equal(res.status, 404);
  const html = await res.text();
  assert.ok(html.includes(strings.notFound.title), html.slice(0, 500));
  assert.ok(html.includes(strings.notFound.home));
  assert.doesNotMatch(html, /This page could not be found/);
});
