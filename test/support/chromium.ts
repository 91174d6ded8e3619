// Debian's chromium for the browser tests — never a browser downloaded by Playwright. On a clean
// machine it is installed from the Debian archive (with the CJK fonts the pages need), once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

function installed(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.error ? `${r.error.message}\n` : ''}${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: !r.error && r.status === 0, output };
}

function tail(s: string, lines = 25): string {
  return s.trimEnd().split('\n').slice(-lines).join('\n');
}

let pending: Promise<string> | null = null;

/**
 * Path of Debian's chromium, installing `chromium` and `fonts-noto-cjk` with apt-get when either
 * is missing (needs root and the Debian archive). Throws with apt's output when that fails.
 */
export function ensureChromium(): Promise<string> {
  pending ??= Promise.resolve().then(() => {
    const missing = PACKAGES.filter((p) => !(p === 'chromium' ? existsSync(CHROMIUM_PATH) : installed(p)));
    if (missing.length === 0) return CHROMIUM_PATH;
    const hint =
      `The browser tests need Debian's ${missing.join(' and ')}; install them with\n` +
      `  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      throw new Error(`${hint}\n(not root, so not installing them automatically)`);
    }
    console.log(`[test] installing ${missing.join(', ')} from Debian (apt-get, takes a while) ...`);
    const t0 = Date.now();
    const update = run('apt-get', ['update']);
    if (!update.ok) throw new Error(`apt-get update failed:\n${tail(update.output)}\n\n${hint}`);
    const install = run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES]);
    if (!install.ok) throw new Error(`apt-get install ${PACKAGES.join(' ')} failed:\n${tail(install.output)}\n\n${hint}`);
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing\n\n${hint}`);
    console.log(`[test] installed ${missing.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
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
