/**
 * The briefing's PDF and PNG, rendered in headless Chromium (playwright-core over Debian's
 * chromium at CHROMIUM_PATH) from the /briefing pages themselves, so an export is what the
 * screen shows. The page is opened on this server's own address with the wall token in a
 * header (read-only, and allowed to read the briefing); it is printed once `data-ready` says
 * the figures are in and every map has been swapped for the image of its rendered frame.
 * One browser, started on the first export, and one export at a time: a 2-core server must
 * keep answering the wall while it prints.
 */
import { chromium, type Browser } from 'playwright-core';

/** The same flags as the browser tests: WebGL through ANGLE on SwiftShader, nothing sent out on the browser's own account. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--no-default-browser-check',
];
const W = 1920;
const H = 1080;

export interface ExportTarget { baseUrl: string; token: string; query: URLSearchParams; tz: string }

export interface Exporter {
  pdf(t: ExportTarget): Promise<Buffer>;
  png(t: ExportTarget, page: number): Promise<Buffer>;
  close(): Promise<void>;
}

export function createExporter(executablePath: string, timeoutMs = 90_000): Exporter {
  let browser: Promise<Browser> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const getBrowser = () => {
    browser ??= chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 }).catch((err: Error) => {
      browser = null;
      throw err;
    });
    return browser;
  };

  async function render<T>(t: ExportTarget, extra: Record<string, string>, shoot: (page: import('playwright-core').Page) => Promise<T>): Promise<T> {
    const b = await getBrowser();
    const context = await b.newContext({
      viewport: { width: W, height: H }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: t.tz,
      extraHTTPHeaders: { authorization: `Bearer ${t.token}` },
    });
    try {
      const page = await context.newPage();
      const q = new URLSearchParams(t.query);
      for (const [k, v] of Object.entries(extra)) q.set(k, v);
      await page.goto(`${t.baseUrl}/briefing?${q}`, { timeout: timeoutMs });
      await page.waitForSelector('[data-testid="briefing"][data-ready="true"], [data-testid^="briefing-refused"], [data-testid^="briefing-failed"]', { timeout: timeoutMs });
      if ((await page.locator('[data-testid="briefing"][data-ready="true"]').count()) === 0) throw new Error('the briefing page did not load its figures');
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      return await shoot(page);
    } finally {
      await context.close();
    }
  }

  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    pdf: (t) => serial(() => render(t, { print: '1' }, async (page) => page.pdf({ width: `${W}px`, height: `${H}px`, printBackground: true, preferCSSPageSize: true }))),
    png: (t, n) => serial(() => render(t, { print: '1', page: String(n) }, async (page) => page.screenshot({ type: 'png', clip: { x: 0, y: 0, width: W, height: H } }))),
    async close() {
      const b = browser;
      browser = null;
      if (b) await (await b).close().catch(() => undefined);
    },
  };
}
