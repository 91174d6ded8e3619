// Debian's chromium for the browser tests — never a browser downloaded by Playwright — with the
// CJK fonts the pages need.
import { existsSync } from 'node:fs';
import { debInstalled, ensureAptPackages } from './apt';

export const CHROMIUM_PATH = '/usr/bin/chromium';

let pending: Promise<string> | null = null;

/** Path of Debian's chromium, installing `chromium` and `fonts-noto-cjk` with apt-get when either is missing. */
export function ensureChromium(): Promise<string> {
  pending ??= Promise.resolve().then(() => {
    ensureAptPackages({
      packages: ['chromium', 'fonts-noto-cjk'],
      purpose: 'The browser tests',
      present: () => existsSync(CHROMIUM_PATH) && debInstalled('fonts-noto-cjk'),
    });
    return CHROMIUM_PATH;
  });
  return pending;
}

/** Path for a test file: CHROMIUM_PATH from test/run.ts when set, else ensureChromium(). */
export async function chromiumPath(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return ensureChromium();
}
