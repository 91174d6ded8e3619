// Debian packages the tests need (chromium and CJK fonts, ffmpeg, poppler-utils), installed with
// apt-get on a clean machine when the tests run as root — never a binary downloaded from elsewhere.
import { spawnSync } from 'node:child_process';

export interface AptNeed {
  /** Debian package names, installed together. */
  packages: string[];
  /** What needs them, for the error message ("The browser tests"). */
  purpose: string;
  /** Whether what the tests use is there (binaries, or `debInstalled` for packages without one). */
  present: () => boolean;
}

export function debInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function run(args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.error ? `${r.error.message}\n` : ''}${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: !r.error && r.status === 0, output };
}

const tail = (s: string, lines = 25) => s.trimEnd().split('\n').slice(-lines).join('\n');

/** Installs `need.packages` when `need.present()` is false; throws with apt's output (and how to do it by hand) when that fails. */
export function ensureAptPackages(need: AptNeed): void {
  if (need.present()) return;
  const list = need.packages.join(' ');
  const hint =
    `${need.purpose} need Debian's ${need.packages.join(' and ')}; install them with\n` +
    `  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${list}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${hint}\n(not root, so not installing them automatically)`);
  }
  console.log(`[test] installing ${list} from Debian (apt-get, takes a while) ...`);
  const t0 = Date.now();
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...need.packages]]) {
    const r = run(args);
    if (!r.ok) throw new Error(`apt-get ${args.join(' ')} failed:\n${tail(r.output)}\n\n${hint}`);
  }
  if (!need.present()) throw new Error(`apt-get installed ${list}, but what the tests use is still missing\n\n${hint}`);
  console.log(`[test] installed ${list} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
