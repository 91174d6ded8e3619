/**
 * The embedded store's disk: free space on DATA_DIR's file system, watched so that ingest
 * refuses new events (HTTP 503 with Retry-After; Kafka and bus batches fail and are retried)
 * before PostgreSQL runs out mid-write. Measured on a 64 MB tmpfs: PGlite then answers
 * `could not extend file …` or `could not write to file "pg_wal/xlogtemp…"` (SQLSTATE 53100),
 * and once the WAL could not grow it fails every later write and its close, and a folder left
 * with no space at all could not be reopened (a bare WASM abort) — so the threshold, not the
 * error, is the protection; the error is the backstop.
 */
import fs from 'node:fs';

const MB = 1024 * 1024;

/** PostgreSQL's disk_full (class 53, insufficient resources). */
const PG_DISK_FULL = '53100';
const NO_SPACE_TEXT = /No space left on device|could not extend file|ENOSPC/i;

/** A write that failed because the disk is full, whichever layer said so (PostgreSQL, PGlite's file system, Node). */
export function isNoSpaceError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code } = err as Error & { code?: unknown };
  if (code === PG_DISK_FULL || code === 'ENOSPC') return true;
  return NO_SPACE_TEXT.test(err.message);
}

export interface DiskState {
  dir: string;
  /** Bytes available to this process on DATA_DIR's file system (null until first read, or when it cannot be read). */
  freeBytes: number | null;
  minFreeBytes: number;
  /** Ingest is refused: below the threshold, or a write failed for want of space and none has been freed since. */
  full: boolean;
  /** Why it is refused, for people (English, as every API and log message); null when not. */
  reason: string | null;
}

/** Ingest refused because DATA_DIR's disk is (nearly) full. */
export class DiskFullError extends Error {
  constructor(readonly state: DiskState) {
    super(state.reason ?? `the disk of DATA_DIR (${state.dir}) is full`);
    this.name = 'DiskFullError';
  }
}

export interface DiskWatch {
  state(): DiskState;
  /** Throws DiskFullError while ingest must be refused. */
  refuseIfFull(): void;
  /** A write failed for want of space: refused from now until space is freed. */
  noteNoSpace(): void;
  /** Reads the free space now (a timer does it every interval). */
  refresh(): DiskState;
  stop(): void;
}

/** How much must come free after a failed write before writes are tried again: a flapping disk costs 503s, not data. */
const REOPEN_MARGIN_BYTES = 8 * MB;

const mb = (bytes: number) => `${Math.floor(bytes / MB)} MB`;

export function watchDisk(opts: { dir: string; minFreeMb: number; intervalMs?: number; log?: (line: string) => void }): DiskWatch {
  const minFreeBytes = opts.minFreeMb * MB;
  const log = opts.log ?? ((l: string) => console.warn(l));
  let freeBytes: number | null = null;
  let readError: string | null = null;
  /** Free bytes when a write last failed for want of space (null: none since space came free). */
  let failedAt: number | null = null;
  let wasFull = false;

  const reasonOf = (): string | null => {
    if (failedAt !== null) {
      return `ingest paused: a write to the embedded store failed for want of space on the disk of DATA_DIR (${opts.dir}, ${freeBytes === null ? 'free space unknown' : `${mb(freeBytes)} free`}); free space there, and send again what was refused`;
    }
    if (freeBytes !== null && freeBytes < minFreeBytes) {
      return `ingest paused: the disk of DATA_DIR (${opts.dir}) has ${mb(freeBytes)} free, below DATA_DIR_MIN_FREE_MB (${opts.minFreeMb} MB); free space there, and send again what was refused`;
    }
    return null;
  };
  const state = (): DiskState => {
    const reason = reasonOf();
    return { dir: opts.dir, freeBytes, minFreeBytes, full: reason !== null, reason };
  };
  const announce = () => {
    const s = state();
    if (s.full && !wasFull) log(`[store] ${s.reason}`);
    if (!s.full && wasFull) log(`[store] ingest resumed: the disk of DATA_DIR (${opts.dir}) has ${freeBytes === null ? 'unknown' : mb(freeBytes)} free`);
    wasFull = s.full;
    return s;
  };
  const refresh = (): DiskState => {
    try {
      const s = fs.statfsSync(opts.dir);
      freeBytes = s.bavail * s.bsize;
      readError = null;
    } catch (err) {
      // Not a reason to refuse: the store's own writes will say if the disk is gone.
      if (readError === null) log(`[store] cannot read the free space of DATA_DIR (${opts.dir}): ${(err as Error).message}`);
      readError = (err as Error).message;
      freeBytes = null;
    }
    if (failedAt !== null && freeBytes !== null && freeBytes >= Math.max(minFreeBytes, failedAt + REOPEN_MARGIN_BYTES)) failedAt = null;
    return announce();
  };
  refresh();
  const timer = setInterval(refresh, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    state,
    refuseIfFull() {
      const s = state();
      if (s.full) throw new DiskFullError(s);
    },
    noteNoSpace() {
      refresh();
      failedAt = freeBytes ?? 0;
      announce();
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
