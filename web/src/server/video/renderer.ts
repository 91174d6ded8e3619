/**
 * Renders a replayed range frame by frame, as hubble.gl does and a screen recording cannot:
 * headless Chromium (Debian's, over playwright-core) opens the wall at `/wall?render=1`, and
 * for each frame the replay is set to the frame's moment through the wall's render hook, which
 * answers once that moment is drawn; then the frame is captured and handed to the encoder
 * before the next is asked for. However slow the machine, no frame is dropped or doubled.
 */
import { chromium, type Page } from 'playwright-core';
import { VIDEO_RENDER_HOOK, resolutionSize, videoFrameCount, videoFrameTime, type VideoRenderHook, type VideoResolution } from '@watchfloor/config/video';
import { formatReplayRange } from '@watchfloor/config/wall';
import { CHROMIUM_ARGS } from '../briefing/exporter';
import type { Encoder } from './encoder';

export interface ClipSpec { from: number; to: number; speed: number; fps: number; resolution: VideoResolution }
export interface RenderTarget { chromium: string; baseUrl: string; token: string; tz: string }

export class Cancelled extends Error {
  constructor() { super('cancelled'); }
}

const LOAD_MS = 120_000;

async function step(page: Page, t: number): Promise<number> {
  return page.evaluate(({ hook, at }) => (window as unknown as Record<string, VideoRenderHook>)[hook]!.step(at), { hook: VIDEO_RENDER_HOOK, at: t });
}

export async function renderClip(spec: ClipSpec, target: RenderTarget, encoder: Encoder, signal: AbortSignal, onFrame: (rendered: number) => void): Promise<void> {
  const { width, height } = resolutionSize(spec.resolution);
  const browser = await chromium.launch({ executablePath: target.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const stop = () => void browser.close().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: target.tz });
    // tsx names functions with a `__name` helper that only node has; evaluated code must find one.
    await context.addInitScript('globalThis.__name ??= (fn) => fn;');
    const page = await context.newPage();
    const q = new URLSearchParams({ token: target.token, replay: formatReplayRange({ from: spec.from, to: spec.to }), render: '1' });
    await page.goto(`${target.baseUrl}/wall?${q}`, { timeout: LOAD_MS });
    await page.waitForFunction((hook) => hook in window, VIDEO_RENDER_HOOK, { timeout: LOAD_MS });
    await step(page, spec.from);
    await page.locator('[data-testid=wall][data-ready=true]').waitFor({ timeout: LOAD_MS });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const frames = videoFrameCount(spec);
    for (let i = 0; i < frames; i++) {
      if (signal.aborted) throw new Cancelled();
      await step(page, videoFrameTime(spec, i));
      const png = await page.screenshot({ type: 'png', animations: 'disabled', clip: { x: 0, y: 0, width, height } });
      await encoder.write(png);
      onFrame(i + 1);
    }
  } catch (err) {
    if (signal.aborted) throw new Cancelled();
    throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    await browser.close().catch(() => undefined);
  }
}
