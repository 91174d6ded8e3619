/** Opens the store the settings ask for and brings its schema up to date. */
import path from 'node:path';
import type { Settings } from '@watchfloor/config/settings';
import type { Db } from './db';
import { migrate } from './migrate';
import { openPg } from './pg-db';
import { openPglite } from './pglite-db';

export async function openStore(s: Pick<Settings, 'DATABASE_URL' | 'DB_FLAVOR' | 'DATA_DIR' | 'TZ_CENTER'>): Promise<Db> {
  const db = s.DATABASE_URL
    ? await openPg(s.DATABASE_URL, s.DB_FLAVOR)
    : await openPglite(path.join(s.DATA_DIR, 'pgdata'));
  await migrate(db, { tz: s.TZ_CENTER });
  return db;
}
