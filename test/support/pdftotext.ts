// Debian's poppler-utils `pdftotext` reads the text of an exported PDF.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAptPackages } from './apt';

const PDFTOTEXT = '/usr/bin/pdftotext';

function ensure(): string {
  ensureAptPackages({ packages: ['poppler-utils'], purpose: 'The export tests', present: () => existsSync(PDFTOTEXT) });
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
