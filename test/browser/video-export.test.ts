/**
 * Video export of a replayed range against the real server, its headless Debian chromium and
 * Debian's ffmpeg: a 3-second clip at 480×270, 10 fps (30 min of yesterday at 600×) is a WebM
 * whose decoded frames and duration are exactly what the request asks — frames stepped and
 * captured one by one, none dropped; the roles and CSRF of the job API; a cancelled job stops
 * and leaves no file; the briefing's 导出视频 panel drives the same jobs: length before starting,
 * progress, cancel, and a download link that serves the clip.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CSRF_HEADER } from '@watchfloor/config/auth';
import { startOfDay } from '@watchfloor/config/time';
import { strings } from '@watchfloor/config/strings';
import { VideoJob, videoFrameCount } from '@watchfloor/config/video';
import { msToZonedLocal } from '@watchfloor/config/wall';
import { decodePng, launchBrowser, newPage, saveScreenshot } from '../support/browser';
import { chromiumPath } from '../support/chromium';
import { call } from '../support/events';
import { ensureFfmpeg, probeVideo } from '../support/ffmpeg';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'video-test-wall-token';
const ADMIN = 'video-test-admin-token';
const INGEST = 'video-test-ingest-token';
const ANALYST = { name: 'analyst-v', password: 'analyst-password-1' };
const DISPATCHER = { name: 'duty-v', password: 'dispatcher-password-1' };
const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-video-'));
const outDir = path.join('test-results', 'video');

describe('video export of a replay', () => {
  let server: RunningServer;
  const yesterday = startOfDay(new Date(startOfDay(new Date(), TZ).getTime() - 12 * HOUR), TZ).getTime();
  const signed: Record<string, { cookie: string; csrf: string }> = {};
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

  async function signIn(u: { name: string; password: string }) {
    const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.name, password: u.password }) });
    assert.equal(r.status, 200, await r.clone().text());
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!;
    return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
  }
  const job = async (id: string, headers: Record<string, string> = admin) => {
    const r = await fetch(`${server.url}/api/video/jobs/${id}`, { headers });
    assert.equal(r.status, 200, await r.clone().text());
    return VideoJob.parse(await r.json());
  };

  before(async () => {
    ensureFfmpeg();
    server = await startServer({
      DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN, INGEST_TOKEN: INGEST, LOGIN_RATE_LIMIT: '100',
      CHROMIUM_PATH: await chromiumPath(),
    }, { waitForPages: true });
    for (const [u, role] of [[ANALYST, 'analyst'], [DISPATCHER, 'dispatcher']] as const) {
      const r = await fetch(`${server.url}/api/users`, { method: 'POST', headers: admin, body: JSON.stringify({ name: u.name, role, password: u.password }) });
      assert.equal(r.status, 201, await r.text());
    }
    signed.analyst = await signIn(ANALYST);
    signed.dispatcher = await signIn(DISPATCHER);
    // Yesterday 10:00–10:30: a call every 3 minutes, so the clip's figures move as it plays.
    const calls = Array.from({ length: 10 }, (_, i) => call({ receivedAt: new Date(yesterday + 10 * HOUR + i * 180_000 + 60_000).toISOString() }));
    const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(calls) });
    assert.equal(r.status, 200, await r.text());
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('who may start a job: analysts and admins, a cookie write only with its CSRF token', async () => {
    const body = JSON.stringify({ from: new Date(yesterday).toISOString(), to: new Date(yesterday + HOUR).toISOString(), speed: 3600, fps: 10, resolution: '480x270' });
    const post = (headers: Record<string, string>) => fetch(`${server.url}/api/video/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ authorization: `Bearer ${WALL}` })).status, 401, 'the wall token reads, it does not start jobs');
    assert.equal((await post({ cookie: signed.dispatcher!.cookie, [CSRF_HEADER]: signed.dispatcher!.csrf })).status, 403);
    assert.equal((await post({ cookie: signed.analyst!.cookie })).status, 403, 'no CSRF token');
    const bad = await fetch(`${server.url}/api/video/jobs`, { method: 'POST', headers: admin, body: JSON.stringify({ from: new Date(yesterday).toISOString(), to: new Date(yesterday + 30 * 86_400_000).toISOString(), speed: 1, fps: 30, resolution: '480x270' }) });
    assert.equal(bad.status, 400, 'too many frames');
    const future = await fetch(`${server.url}/api/video/jobs`, { method: 'POST', headers: admin, body: JSON.stringify({ from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString(), speed: 3600, fps: 10, resolution: '480x270' }) });
    assert.equal(future.status, 400, 'the future cannot be replayed');
  });

  test('a 3-second clip at 480×270, 10 fps: exactly 30 frames, 3.0 s of VP8 WebM', async () => {
    const req = { from: new Date(yesterday + 10 * HOUR).toISOString(), to: new Date(yesterday + 10.5 * HOUR).toISOString(), speed: 600, fps: 10, resolution: '480x270' };
    const r = await fetch(`${server.url}/api/video/jobs`, { method: 'POST', headers: admin, body: JSON.stringify(req) });
    assert.equal(r.status, 202, await r.clone().text());
    const started = VideoJob.parse(await r.json());
    assert.equal(started.frames, 30);
    assert.equal(videoFrameCount({ from: Date.parse(req.from), to: Date.parse(req.to), speed: 600, fps: 10 }), 30);
    const progress: number[] = [];
    const done = await waitFor('the clip rendered', async () => { const j = await job(started.id); progress.push(j.rendered); return j; },
      (j) => j.state === 'done' || j.state === 'failed', 240_000, 500);
    assert.equal(done.state, 'done', done.error ?? '');
    assert.equal(done.rendered, 30);
    assert.ok(progress.some((n) => n > 0 && n < 30) || progress.length < 3, `progress was reported along the way: ${progress.join(',')}`);
    const f = await fetch(`${server.url}${done.download}`, { headers: admin });
    assert.equal(f.status, 200);
    assert.equal(f.headers.get('content-type'), 'video/webm');
    const bytes = Buffer.from(await f.arrayBuffer());
    assert.equal(bytes.length, done.bytes);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (Matroska/WebM) header');
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'replay-3s-480x270.webm');
    fs.writeFileSync(file, bytes);
    const info = probeVideo(file);
    assert.equal(info.codec, 'vp8');
    assert.match(info.format, /webm|matroska/);
    assert.deepEqual([info.width, info.height], [480, 270]);
    assert.equal(info.frames, 30, 'every frame stepped is in the file');
    assert.ok(Math.abs(info.durationS - 3) < 0.05, `duration ${info.durationS} s`);
    // The frames show the wall, and the wall moves: the first and last frames differ.
    const first = frameAt(file, 0);
    const last = frameAt(file, 29);
    const colours = new Set<number>();
    for (let i = 0; i < first.data.length; i += 4 * 13) colours.add((first.data[i]! << 16) | (first.data[i + 1]! << 8) | first.data[i + 2]!);
    assert.ok(colours.size > 20, `the first frame has content (${colours.size} colours)`);
    let differ = 0;
    for (let i = 0; i < first.data.length; i += 4) if (Math.abs(first.data[i]! - last.data[i]!) > 40) differ++;
    assert.ok(differ > 50, `the clock and the figures moved between first and last frame (${differ} pixels)`);
  });

  test('a cancelled job stops, says so, and leaves nothing to download', async () => {
    const headers = { cookie: signed.analyst!.cookie, [CSRF_HEADER]: signed.analyst!.csrf, 'content-type': 'application/json' };
    const req = { from: new Date(yesterday + 6 * HOUR).toISOString(), to: new Date(yesterday + 18 * HOUR).toISOString(), speed: 60, fps: 10, resolution: '480x270' };
    const r = await fetch(`${server.url}/api/video/jobs`, { method: 'POST', headers, body: JSON.stringify(req) });
    assert.equal(r.status, 202, await r.clone().text());
    const started = VideoJob.parse(await r.json());
    assert.equal(started.frames, 7200);
    // Another person's job is not theirs to see.
    assert.equal((await fetch(`${server.url}/api/video/jobs/${started.id}`, { headers: { cookie: signed.dispatcher!.cookie } })).status, 403);
    await waitFor('frames being rendered', () => job(started.id, headers), (j) => j.rendered > 0, 120_000, 300);
    const del = await fetch(`${server.url}/api/video/jobs/${started.id}`, { method: 'DELETE', headers: { cookie: signed.analyst!.cookie, [CSRF_HEADER]: signed.analyst!.csrf } });
    assert.equal(del.status, 200, await del.clone().text());
    const end = await waitFor('the job cancelled', () => job(started.id, headers), (j) => j.state === 'cancelled', 30_000, 200);
    assert.ok(end.rendered < end.frames);
    const stoppedAt = end.rendered;
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal((await job(started.id, headers)).rendered, stoppedAt, 'no frame after the cancel');
    assert.equal((await fetch(`${server.url}/api/video/jobs/${started.id}/file`, { headers })).status, 404);
  });

  test('the 导出视频 panel: the clip\'s length before starting, progress, cancel, then a download', async () => {
    const browser = await launchBrowser();
    try {
      const page = await newPage(browser, { width: 1920, height: 1080 });
      await page.context().addCookies([{ name: 'wf_session', value: signed.analyst!.cookie.slice('wf_session='.length), url: server.url }]);
      await page.goto(`${server.url}/briefing`);
      await page.getByTestId('video-open').click();
      const pick = async (fromMs: number, toMs: number, speed: string) => {
        await page.getByTestId('video-from').fill(msToZonedLocal(fromMs, TZ));
        await page.getByTestId('video-to').fill(msToZonedLocal(toMs, TZ));
        await page.getByTestId('video-speed').selectOption(speed);
        await page.getByTestId('video-resolution').selectOption('480x270');
        await page.getByTestId('video-fps').selectOption('10');
      };
      // An hour at 60×: 60 s, 600 frames — long enough to cancel while it renders.
      await pick(yesterday + 9 * HOUR, yesterday + 10 * HOUR, '60');
      await page.getByText(strings.video.length(60, 600)).waitFor({ timeout: 20_000 });
      await page.getByTestId('video-start').click();
      const status = page.getByTestId('video-status');
      await waitFor('the panel shows frames rendered', async () => Number(await status.getAttribute('data-rendered') ?? 0), (n) => n > 0, 120_000, 300);
      await page.getByTestId('video-cancel').click();
      await page.locator('[data-testid="video-status"][data-state="cancelled"]').waitFor({ timeout: 30_000 });
      assert.ok((await status.textContent())?.includes(strings.video.states.cancelled));
      assert.equal(await page.getByTestId('video-download').count(), 0, 'a cancelled job offers nothing to download');
      // An hour at 3600×: 1 s, 10 frames, then the link serves the WebM.
      await pick(yesterday + 10 * HOUR, yesterday + 11 * HOUR, '3600');
      await page.getByText(strings.video.length(1, 10)).waitFor({ timeout: 20_000 });
      await page.getByTestId('video-start').click();
      await page.locator('[data-testid="video-status"][data-state="done"]').waitFor({ timeout: 240_000 });
      assert.ok((await status.textContent())?.includes(strings.video.progress(10, 10)));
      const href = await page.getByTestId('video-download').getAttribute('href');
      assert.ok(href, 'a download link');
      await saveScreenshot(page, 'briefing-video-export');
      const f = await fetch(new URL(href, server.url), { headers: { cookie: signed.analyst!.cookie } });
      assert.equal(f.status, 200);
      assert.equal(f.headers.get('content-type'), 'video/webm');
      const bytes = Buffer.from(await f.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (Matroska/WebM) header');
    } finally {
      await browser.close();
    }
  });
});

/** Frame n of a video as RGBA, decoded by ffmpeg. */
function frameAt(file: string, n: number) {
  const png = path.join(path.dirname(file), `frame-${n}.png`);
  const r = spawnSync(ensureFfmpeg(), ['-v', 'error', '-y', '-i', file, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', png]);
  assert.equal(r.status, 0, r.stderr?.toString());
  return decodePng(fs.readFileSync(png));
}
