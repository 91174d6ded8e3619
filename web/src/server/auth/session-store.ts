/**
 * @fastify/session's store over our Db: what it keeps of a session is the signed-in user (as
 * a row id, the name and role read fresh from `users` on every request, so a role change or a
 * disabled account holds at once) and the CSRF secret. Sessions without a user (before
 * sign-in) are never written.
 */
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import type { Db } from '@watchfloor/ingest/store/db';
import { destroySession, saveSession, touchSession, type SessionLimits } from '@watchfloor/ingest/store/sessions';
import { UserRole } from '@watchfloor/config/auth';
import { z } from 'zod';

/** What a signed-in session carries on `request.session`. */
export const SessionUserData = z.object({ id: z.number().int(), name: z.string(), role: UserRole });
export type SessionUserData = z.infer<typeof SessionUserData>;

declare module 'fastify' {
  interface Session {
    user?: SessionUserData;
    /** When the session ends unless used again (the earlier of the idle and absolute limits). */
    expiresAt?: string;
    _csrf?: string;
  }
}

export function dbSessionStore(db: () => Db | null, limits: SessionLimits): SessionStore {
  const run = (p: Promise<void>, cb: (err?: unknown) => void) => { p.then(() => cb(), cb); };
  return {
    set(id, session: Session, cb) {
      const user = session.user;
      if (!user) return cb();
      const d = db();
      if (!d) return cb(new Error('the store is not ready'));
      run(saveSession(d, id, user.id, typeof session._csrf === 'string' ? { _csrf: session._csrf } : {}), cb);
    },
    get(id, cb) {
      const d = db();
      if (!d) return cb(null, null);
      touchSession(d, id, limits).then((s) => {
        if (!s) return cb(null, null);
        const csrf = s.data._csrf;
        const restored: Session = {
          cookie: { originalMaxAge: null },
          user: { id: s.userId, name: s.name, role: s.role },
          expiresAt: s.expiresAt,
          ...(typeof csrf === 'string' ? { _csrf: csrf } : {}),
        };
        cb(null, restored);
      }, (err: unknown) => cb(err));
    },
    destroy(id, cb) {
      const d = db();
      if (!d) return cb();
      run(destroySession(d, id), cb);
    },
  };
}
