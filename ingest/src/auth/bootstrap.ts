/** At start: the first admin when there is no user yet, and a word while the development password stands. */
import { bootstrapAdminPassword, DEV_ADMIN_PASSWORD, type Settings } from '@watchfloor/config/settings';
import type { Db } from '../store/db';
import { sweepSessions } from '../store/sessions';
import { countUsers } from '../store/users';
import { bootstrapAdmin, hasPassword } from './accounts';

export async function bootstrapAccounts(db: Db, s: Settings, log: (line: string) => void): Promise<void> {
  await sweepSessions(db, { idleSeconds: s.SESSION_IDLE_SECONDS, maxSeconds: s.SESSION_MAX_SECONDS });
  const boot = bootstrapAdminPassword(s);
  if (!boot) {
    if ((await countUsers(db)) === 0) log('[auth] no user can sign in yet: set ADMIN_PASSWORD (first admin at start) or run `npm run user -- add <name> --role admin`');
    return;
  }
  if (await bootstrapAdmin(db, s.ADMIN_USER, boot.password)) log(`[auth] first admin created: ${s.ADMIN_USER}`);
  if (boot.dev && (await hasPassword(db, s.ADMIN_USER, DEV_ADMIN_PASSWORD))) {
    log(`[web] development default in use: sign in as ${s.ADMIN_USER} / ${DEV_ADMIN_PASSWORD} (set ADMIN_PASSWORD, or change it with npm run user -- passwd ${s.ADMIN_USER})`);
  }
}
