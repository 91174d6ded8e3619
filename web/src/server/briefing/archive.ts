/**
 * The weekly archive: each Monday 08:00 in the center's zone, last week's briefing is generated
 * and kept under DATA_DIR/briefings/ as <Monday>.json and <Monday>.pdf with <Monday>.sha256.
 * Write-once: files are created exclusively (an existing one is never opened for writing) and
 * read-only; a week already kept is skipped. A server down at 08:00 keeps the week at its next
 * tick, so no week is lost to a restart. The clock is injected (tests, and no timer drift).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lastWeek } from '@watchfloor/config/briefing';
import { zonedParts } from '@watchfloor/config/time';

/** When a week's briefing falls due: Monday 08:00 local, after the week closed at 00:00. */
export const WEEKLY_HOUR = 8;

export interface ArchiveEntry { week: string; from: string; to: string; pdf: string; json: string; sha256: { pdf: string; json: string } }

export interface WeekFiles { json: Buffer; pdf: Buffer }

const RETRY_AFTER_MS = 30 * 60_000;
const WEEK_FILE = /^(\d{4}-\d{2}-\d{2})\.(pdf|json)$/;

export const archiveDir = (dataDir: string) => path.join(dataDir, 'briefings');

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

function dayKey(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The week due at `now`: the last complete Monday–Sunday once Monday 08:00 has passed, else the one before. */
export function dueWeek(now: Date, tz: string): { from: Date; to: Date; week: string } {
  const w = lastWeek(now, tz);
  const dueAt = w.to.getTime() + WEEKLY_HOUR * 3_600_000;
  // Before 08:00 on Monday the week that just closed is not due yet: the one before it is.
  const r = now.getTime() >= dueAt ? w : lastWeek(new Date(w.from.getTime() + 3_600_000), tz);
  return { ...r, week: dayKey(r.from, tz) };
}

function writeOnce(file: string, body: Buffer): void {
  // 'wx': fails if the file exists, so a kept file is never rewritten, whoever calls.
  const fd = fs.openSync(file, 'wx', 0o444);
  try {
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function listArchive(dataDir: string): ArchiveEntry[] {
  const dir = archiveDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  const out: ArchiveEntry[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.sha256')) continue;
    const week = f.slice(0, -'.sha256'.length);
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { from: string; to: string; pdf: string; json: string };
      out.push({ week, from: m.from, to: m.to, pdf: `/api/briefing/archive/${week}.pdf`, json: `/api/briefing/archive/${week}.json`, sha256: { pdf: m.pdf, json: m.json } });
    } catch { /* a manifest being written: listed next time */ }
  }
  return out.sort((a, b) => (a.week < b.week ? 1 : -1));
}

/** A kept file's bytes, checked against the checksum recorded when it was written (null: no such week). */
export function readArchived(dataDir: string, name: string): { body: Buffer; type: 'pdf' | 'json' } | null {
  const m = WEEK_FILE.exec(name);
  if (!m) return null;
  const dir = archiveDir(dataDir);
  const file = path.join(dir, name);
  const manifest = path.join(dir, `${m[1]}.sha256`);
  if (!fs.existsSync(file) || !fs.existsSync(manifest)) return null;
  const body = fs.readFileSync(file);
  const want = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, string>)[m[2]!];
  if (sha(body) !== want) throw new Error(`archived briefing ${name} does not match its checksum`);
  return { body, type: m[2] as 'pdf' | 'json' };
}

export interface WeeklyArchiver {
  /** Keeps the week due at the clock's now, if not yet kept; resolves to its key, or null when there was nothing to do. */
  tick(): Promise<string | null>;
  stop(): void;
}

export function startWeeklyArchive(opts: {
  dataDir: string; tz: string; now?: () => Date; everyMs?: number;
  generate: (range: { from: Date; to: Date }) => Promise<WeekFiles>;
  log: (line: string) => void;
}): WeeklyArchiver {
  const now = opts.now ?? (() => new Date());
  const dir = archiveDir(opts.dataDir);
  let running: Promise<string | null> | null = null;
  let failedAt = -Infinity;

  async function keep(): Promise<string | null> {
    const w = dueWeek(now(), opts.tz);
    if (fs.existsSync(path.join(dir, `${w.week}.sha256`))) return null;
    fs.mkdirSync(dir, { recursive: true });
    const files = await opts.generate({ from: w.from, to: w.to });
    // A crash between files leaves a week without its manifest: its data files are kept as they are
    // and the week stays unlisted (never rewritten); the operator sees it in the log.
    for (const [ext, body] of [['json', files.json], ['pdf', files.pdf]] as const) writeOnce(path.join(dir, `${w.week}.${ext}`), body);
    writeOnce(path.join(dir, `${w.week}.sha256`), Buffer.from(JSON.stringify({ from: w.from.toISOString(), to: w.to.toISOString(), json: sha(files.json), pdf: sha(files.pdf) })));
    opts.log(`[briefing] kept the week of ${w.week} (PDF ${files.pdf.length} bytes)`);
    return w.week;
  }

  const tick = () => {
    // After a failure (no chromium, say) retry after a while, not every minute.
    if (!running && Date.now() - failedAt < RETRY_AFTER_MS) return Promise.resolve(null);
    running ??= keep().catch((err: Error) => {
      failedAt = Date.now();
      opts.log(`[briefing] keeping last week's briefing failed (retried in ${RETRY_AFTER_MS / 60_000} min): ${err.message}`);
      return null;
    }).finally(() => { running = null; });
    return running;
  };
  const timer = opts.everyMs === 0 ? null : setInterval(() => void tick(), opts.everyMs ?? 60_000);
  timer?.unref();
  return { tick, stop: () => { if (timer) clearInterval(timer); } };
}
