/**
 * `npm run backup -- --out <folder>` / `npm run restore -- --from <folder>`: the embedded
 * store's DATA_DIR, copied while the server is stopped (see backup.ts). With DATABASE_URL
 * set they refuse and name the PostgreSQL tools instead, which do it on a live server.
 */
import { parseArgs } from 'node:util';
import { loadSettings } from '@watchfloor/config/settings';
import { backupDataDir, restoreDataDir } from './backup';

const USAGE = 'usage: npm run backup -- --out <new folder> | npm run restore -- --from <backup folder>   (stop the server first)';

function main(): number {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' }, from: { type: 'string' } }, allowPositionals: true });
  const cmd = positionals[0];
  const settings = loadSettings();
  if (!settings.embeddedDb) {
    console.error('DATABASE_URL is set: back up with pg_dump -Fc and restore with pg_restore (docs/operations.md, Backup and restore)');
    return 2;
  }
  if (cmd === 'backup' && values.out) {
    const m = backupDataDir(settings.DATA_DIR, values.out);
    console.log(`backup: ${m.files} files of ${settings.DATA_DIR} in ${values.out}`);
    return 0;
  }
  if (cmd === 'restore' && values.from) {
    const m = restoreDataDir(values.from, settings.DATA_DIR);
    console.log(`restore: backup of ${m.takenAt} into ${settings.DATA_DIR}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
