/**
 * `npm start` serves a production build of the pages. This builds it when it is missing
 * or older than the sources (hash of the web and shared-config sources), so a fresh clone
 * starts with one command and an unchanged tree starts without rebuilding.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(webDir, '..');
const stamp = path.join(webDir, '.next', 'watchfloor-source-hash');
const inputs = [path.join(webDir, 'app'), path.join(webDir, 'src'), path.join(webDir, 'next.config.ts'), path.join(root, 'config', 'src'), path.join(root, 'package-lock.json')];

function walk(p: string, out: string[]): void {
  if (!fs.existsSync(p)) return;
  const st = fs.statSync(p);
  if (st.isFile()) { out.push(p); return; }
  for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e), out);
}

export function sourceHash(): string {
  const files: string[] = [];
  for (const i of inputs) walk(i, files);
  const h = crypto.createHash('sha256');
  for (const f of files) h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f));
  return h.digest('hex');
}

/** maplibre-gl 6 loads its worker from a URL of its own: serve the package's file from public/. */
function copyMaplibreWorker(): void {
  const src = path.join(root, 'node_modules', 'maplibre-gl', 'dist', 'maplibre-gl-worker.mjs');
  const dst = path.join(webDir, 'public', 'maplibre-gl-worker.mjs');
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  if (!fs.existsSync(dst) || fs.readFileSync(dst).compare(fs.readFileSync(src)) !== 0) fs.copyFileSync(src, dst);
}

copyMaplibreWorker();
const want = sourceHash();
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
if (want === have && fs.existsSync(path.join(webDir, '.next', 'BUILD_ID'))) {
  console.log('[build] web build is up to date');
} else {
  console.log('[build] building the web pages (next build)…');
  const t0 = Date.now();
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build', webDir], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  fs.writeFileSync(stamp, want);
  console.log(`[build] done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
