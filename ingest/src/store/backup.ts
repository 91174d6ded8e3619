/**
 * Backup and restore of the embedded store: the whole DATA_DIR (PGlite's `pgdata/` and the
 * phone-hash key beside it — hashes are useless without their key), copied while no server
 * has it open. PGlite keeps no lock on its folder, so the caller must have stopped the server;
 * a copy taken under a running one may be torn. The native store uses pg_dump/pg_restore
 * (docs/operations.md), which PostgreSQL makes consistent on a live server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const BACKUP_MANIFEST = 'watchfloor-backup.json';

const BackupManifest = z.object({ kind: z.literal('embedded'), takenAt: z.string().datetime(), files: z.number().int() });
export type BackupManifest = z.infer<typeof BackupManifest>;

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

export function backupDataDir(dataDir: string, out: string, now = new Date()): BackupManifest {
  if (!fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))) throw new Error(`no embedded store in ${dataDir} (expected ${path.join(dataDir, 'pgdata')})`);
  if (fs.existsSync(out)) throw new Error(`${out} exists already: give a new folder`);
  // Into a sibling first, renamed at the end: a failed copy never looks like a backup.
  const partial = `${out}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(dataDir, partial, { recursive: true, preserveTimestamps: true, errorOnExist: true });
  const manifest: BackupManifest = { kind: 'embedded', takenAt: now.toISOString(), files: countFiles(partial) };
  fs.writeFileSync(path.join(partial, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(partial, out);
  return manifest;
}

export function restoreDataDir(from: string, dataDir: string): BackupManifest {
  const file = path.join(from, BACKUP_MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`${from} is not a backup made by npm run backup (no ${BACKUP_MANIFEST})`);
  const manifest = BackupManifest.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  // Restoring over a store would mix two data folders' files: only into an empty place.
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty: move it away first`);
  fs.cpSync(from, dataDir, { recursive: true, preserveTimestamps: true, filter: (src) => path.basename(src) !== BACKUP_MANIFEST || path.dirname(src) !== from });
  return manifest;
}
