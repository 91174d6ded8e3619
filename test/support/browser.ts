// Real-browser helpers: Debian's chromium driven by playwright-core (DESIGN.md §4 "Browser tests").
// WebGL2 comes from SwiftShader (software), so keep scenes small and measure our own main-thread
// work rather than frame rate.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumPath } from './chromium';
import { budget } from './wait';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox', // tests run as root, where chromium's sandbox refuses to start
  // WebGL2 through ANGLE on SwiftShader. Never --use-gl=swiftshader: WebGL is then null.
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  // Nothing may leave the machine on the browser's own account either.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
];

export async function launchBrowser(opts: { args?: string[] } = {}): Promise<Browser> {
  const executablePath = await chromiumPath();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    timeout: 60_000,
  });
}

export interface NewPageOptions {
  width?: number;
  height?: number;
  deviceScaleFactor?: number;
  /** Default zh-CN (the UI's language). */
  locale?: string;
  /** Default Asia/Shanghai (the center's time zone). */
  timezoneId?: string;
}

/**
 * A page in its own context; closing `page.context()` cleans up both.
 *
 * tsx (esbuild, keepNames) rewrites named functions inside a `page.evaluate(() => ...)` callback
 * to call a `__name` helper that only exists in node, so the page would throw "__name is not
 * defined"; the init script below gives every frame of this context a no-op `__name`.
 */
export async function newPage(browser: Browser, opts: NewPageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: opts.timezoneId ?? 'Asia/Shanghai',
  });
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  return context.newPage();
}

/**
 * Records every request (including WebSockets and requests from dedicated workers) whose origin
 * differs from `origin` — data: and blob: URLs excepted. Call before `page.goto`; the returned
 * function gives the URLs seen so far, so a test can assert the page loads nothing from outside.
 */
export function trackExternalRequests(page: Page, origin: string): () => string[] {
  const own = new URL(origin).origin;
  const seen: string[] = [];
  const check = (url: string) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      seen.push(url);
      return;
    }
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    // socket.io's ws:// to our own host is still our server.
    const proto = u.protocol === 'ws:' ? 'http:' : u.protocol === 'wss:' ? 'https:' : u.protocol;
    if (`${proto}//${u.host}` !== own) seen.push(url);
  };
  page.on('request', (req) => check(req.url()));
  page.on('websocket', (ws) => check(ws.url()));
  return () => [...seen];
}

/**
 * Budgets for waits on the page. A wall's first paint is WebGL on SwiftShader, all CPU, at up to
 * 3840×2160: seconds on a quick machine, a minute or more on a loaded slow one. Waits return as
 * soon as their signal is there, so a generous budget costs a passing run nothing; both scale
 * with TEST_TIME_SCALE (support/wait.ts).
 */
export const WALL_READY_MS = budget(80_000);
/** A change on a page that is already up (a delta reaching the feed, a toggled layer). */
export const PAGE_CHANGE_MS = budget(20_000);

/**
 * Waits for the wall's own readiness signal: `data-ready` on its root, set once the panels
 * have their snapshot and the map has drawn a frame with data (WallScreen.tsx).
 */
export async function waitForWallReady(page: Page, timeoutMs = WALL_READY_MS): Promise<void> {
  await page.locator('[data-testid=wall][data-ready=true]').waitFor({ timeout: timeoutMs });
}

/** Uncaught page errors and console.error messages, for asserting a page ran cleanly. */
export function collectPageErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return () => [...errors];
}

/**
 * True when the canvas (`selector` itself, or the first canvas inside it) shows more than
 * `minColours - 1` distinct colours (default: at least 2), i.e. something was drawn on it.
 *
 * It reads what the compositor shows — an element screenshot, decoded here — rather than the
 * canvas' own buffer: a WebGL canvas without preserveDrawingBuffer reads back as cleared outside
 * the frame that drew it, and we don't control the libraries' context flags.
 */
export async function canvasIsNonBlank(page: Page, selector: string, minColours = 2): Promise<boolean> {
  const target = page.locator(selector).first();
  const isCanvas = await target.evaluate((el) => el.tagName === 'CANVAS');
  const canvas = isCanvas ? target : target.locator('canvas').first();
  return (await distinctColours(canvas, minColours)) >= minColours;
}

/** Distinct RGBA colours in an element screenshot, counting stops once `stopAt` is reached. */
export async function distinctColours(locator: Locator, stopAt = Infinity): Promise<number> {
  // Let a pending frame land before the capture.
  await locator.page().evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  const png = await locator.screenshot({ animations: 'disabled', type: 'png' });
  const img = decodePng(png);
  const colours = new Set<number>();
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    colours.add(((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0);
    if (colours.size >= stopAt) break;
  }
  return colours.size;
}

/** Full-page-viewport screenshot to test-results/screenshots/<name>.png; returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await writeFile(file, await page.screenshot({ type: 'png' }));
  return file;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row-major. */
  data: Uint8Array;
}

/**
 * A minimal PNG decoder for what Chromium's screenshots are: 8-bit, non-interlaced, grey / RGB /
 * grey+alpha / RGBA (colour types 0, 2, 4, 6). Anything else throws.
 */
export function decodePng(buf: Buffer): RgbaImage {
  const SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIG)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Buffer[] = [];
  for (let off = 8; off + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      colourType = body[9]!;
      const interlace = body[12];
      if (depth !== 8 || interlace !== 0 || ![0, 2, 4, 6].includes(colourType)) {
        throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colourType}, interlace ${interlace}`);
      }
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  if (colourType < 0) throw new Error('PNG without IHDR');
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType as 0 | 2 | 4 | 6];
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error('PNG image data too short');
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[row + x - channels]! : 0;
      const b = y > 0 ? px[prev + x]! : 0;
      const c = x >= channels && y > 0 ? px[prev + x - channels]! : 0;
      let v = raw[src + x]!;
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      px[row + x] = v & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const o = i * 4;
    if (channels >= 3) {
      data[o] = px[j]!;
      data[o + 1] = px[j + 1]!;
      data[o + 2] = px[j + 2]!;
    } else {
      data[o] = data[o + 1] = data[o + 2] = px[j]!;
    }
    data[o + 3] = channels === 4 ? px[j + 3]! : channels === 2 ? px[j + 1]! : 255;
  }
  return { width, height, data };
}
