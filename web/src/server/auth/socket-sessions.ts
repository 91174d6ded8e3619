/**
 * Signed-in people on the live socket: the console's browser sends no token, only the session
 * cookie, on the engine.io handshake (the upgrade request or the first poll). The cookie's
 * session is looked up as the API looks it up (live, user enabled, within both limits); an open
 * socket re-checks its session later by key without keeping it alive.
 */
import type { UserRole } from '@watchfloor/config/auth';
import type { Db } from '@watchfloor/ingest/store/db';
import { sessionKey, sessionLive, touchSession, type SessionLimits } from '@watchfloor/ingest/store/sessions';
import { SESSION_COOKIE } from './sessions-plugin';

/** The signed-in person a socket stands for: the session's key (never the id itself) and role. */
export interface SocketSession { key: string; userId: number; role: UserRole }

export interface SocketSessions {
  fromCookie(cookieHeader: string | undefined): Promise<SocketSession | null>;
  alive(key: string): Promise<boolean>;
}

/** The session id named by a Cookie header, if well-formed (the same shape the API accepts). */
export function sessionIdOf(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const v = part.slice(eq + 1).trim();
    return /^[\w-]{43}$/.test(v) ? v : null;
  }
  return null;
}

export function socketSessions(db: () => Db | null, limits: SessionLimits, roles: readonly UserRole[]): SocketSessions {
  return {
    async fromCookie(cookieHeader) {
      const id = sessionIdOf(cookieHeader);
      const d = db();
      if (!id || !d) return null;
      const s = await touchSession(d, id, limits);
      if (!s || !roles.includes(s.role)) return null;
      return { key: sessionKey(id), userId: s.userId, role: s.role };
    },
    async alive(key) {
      const d = db();
      // The store not ready says nothing against a session: keep the socket until it can be asked.
      return d ? sessionLive(d, key, limits) : true;
    },
  };
}
