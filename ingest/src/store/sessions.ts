/**
 * Sign-in sessions, server-side: the cookie carries a random id, this table its SHA-256, the
 * user and the session's small data (its CSRF secret). A session is live while its user is
 * enabled, it was used within the idle timeout and it began within the absolute one; reading
 * a live session is what keeps it alive.
 */
import crypto from 'node:crypto';
import type { UserRole } from '@watchfloor/config/auth';
import type { Queryable } from './db';

export const sessionKey = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

export interface SessionLimits { idleSeconds: number; maxSeconds: number }

export interface LiveSession {
  userId: number; name: string; role: UserRole; data: Record<string, unknown>;
  createdAt: string;
  /** When it ends unless used again: the earlier of the idle and the absolute limit. */
  expiresAt: string;
}

/** The session if it is live (and marks it used), or null. */
export async function touchSession(db: Queryable, id: string, limits: SessionLimits): Promise<LiveSession | null> {
  const { rows } = await db.query<{ user_id: string | number; name: string; role: UserRole; data: Record<string, unknown> | string; created_at: Date; last_seen_at: Date }>(
    `UPDATE sessions s SET last_seen_at = now() FROM users u
     WHERE s.id_hash = $1 AND u.id = s.user_id AND u.disabled_at IS NULL
       AND s.last_seen_at > now() - make_interval(secs => $2) AND s.created_at > now() - make_interval(secs => $3)
     RETURNING s.user_id, u.name, u.role, s.data, s.created_at, s.last_seen_at`,
    [sessionKey(id), limits.idleSeconds, limits.maxSeconds],
  );
  const r = rows[0];
  if (!r) return null;
  const created = new Date(r.created_at).getTime();
  const expires = Math.min(created + limits.maxSeconds * 1000, new Date(r.last_seen_at).getTime() + limits.idleSeconds * 1000);
  return {
    userId: Number(r.user_id), name: r.name, role: r.role,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
    createdAt: new Date(created).toISOString(), expiresAt: new Date(expires).toISOString(),
  };
}

/** Stores a session's data (created at its first save, at sign-in). */
export async function saveSession(db: Queryable, id: string, userId: number, data: Record<string, unknown>): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, data) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data WHERE sessions.user_id = excluded.user_id`,
    [sessionKey(id), userId, JSON.stringify(data)],
  );
}

export async function destroySession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [sessionKey(id)]);
}

/** Ends every session of a user; returns how many there were. */
export async function revokeUserSessions(db: Queryable, userId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>('WITH d AS (DELETE FROM sessions WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d', [userId]);
  return rows[0]!.n;
}

/** Drops sessions past either limit (they are refused anyway; this keeps the table small). */
export async function sweepSessions(db: Queryable, limits: SessionLimits): Promise<void> {
  await db.query('DELETE FROM sessions WHERE last_seen_at <= now() - make_interval(secs => $1) OR created_at <= now() - make_interval(secs => $2)', [limits.idleSeconds, limits.maxSeconds]);
}

/**
 * Whether the session stored under this key (the id's SHA-256) is still live, without marking
 * it used: an open live socket re-checks its session with this, and must not keep it alive.
 */
export async function sessionLive(db: Queryable, key: string, limits: SessionLimits): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = $1 AND u.disabled_at IS NULL
       AND s.last_seen_at > now() - make_interval(secs => $2) AND s.created_at > now() - make_interval(secs => $3)`,
    [key, limits.idleSeconds, limits.maxSeconds],
  );
  return (rows[0]?.n ?? 0) > 0;
}
