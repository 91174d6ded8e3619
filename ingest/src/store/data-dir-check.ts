/**
 * Checks an embedded store's data folder before PGlite opens it. A damaged folder (a
 * truncated pg_control, a deleted pg_wal) makes the WASM server abort with only
 * `RuntimeError: Aborted()`; this names what is wrong and what to do instead.
 */
import fs from 'node:fs';
import path from 'node:path';

/** PostgreSQL's control file is always exactly one 8 kB page. */
const PG_CONTROL_SIZE = 8192;
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

const WHAT_TO_DO = 'Stop the server and restore the folder from a backup (npm run restore -- --from <backup folder>), '
  + 'or move it aside to start with an empty store; do not edit files inside it.';

/** null when the folder is new (nothing there yet) or looks whole; otherwise what is wrong and what to do. */
export function dataDirProblem(dataDir: string): string | null {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return null;
  const control = path.join(dataDir, 'global', 'pg_control');
  const size = fs.existsSync(control) ? fs.statSync(control).size : null;
  if (size === null) return `The embedded store in ${dataDir} is damaged: global/pg_control is missing. ${WHAT_TO_DO}`;
  if (size !== PG_CONTROL_SIZE) return `The embedded store in ${dataDir} is damaged: global/pg_control is ${size} bytes instead of ${PG_CONTROL_SIZE} (truncated). ${WHAT_TO_DO}`;
  const wal = path.join(dataDir, 'pg_wal');
  if (!fs.existsSync(wal)) return `The embedded store in ${dataDir} is damaged: its write-ahead log (pg_wal) is missing, so the last writes cannot be recovered. ${WHAT_TO_DO}`;
  if (!fs.readdirSync(wal).some((f) => WAL_SEGMENT.test(f))) return `The embedded store in ${dataDir} is damaged: its write-ahead log (pg_wal) holds no segment. ${WHAT_TO_DO}`;
  return null;
}
