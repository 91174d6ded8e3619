// Debian's poppler-utils `pdftotext` reads the text of an exported PDF, installed with apt-get on
// a clean machine (as root) exactly as chromium is (test/support/chromium.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PDFTOTEXT = '/usr/bin/pdftotext';

function ensure(): string {
  if (existsSync(PDFTOTEXT)) return PDFTOTEXT;
  const hint = 'The export tests need Debian\'s poppler-utils: apt-get install -y --no-install-recommends poppler-utils';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error(`${hint}\n(not root, so not installing it automatically)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'poppler-utils']]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`apt-get ${args[0]} failed:\n${(r.stdout ?? '') + (r.stderr ?? '')}\n\n${hint}`);
  }
  if (!existsSync(PDFTOTEXT)) throw new Error(`poppler-utils installed but ${PDFTOTEXT} is missing`);
  return PDFTOTEXT;
}

/** The PDF's text, pages in order (form feeds between them), and its page count. */
export function pdfText(pdf: Buffer): { text: string; pages: number } {
  const bin = ensure();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-pdf-'));
  try {
    const file = path.join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(bin, ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    const info = spawnSync(path.join(path.dirname(bin), 'pdfinfo'), [file], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout ?? '')?.[1] ?? 0);
    return { text: r.stdout, pages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
