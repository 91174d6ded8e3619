/**
 * Back-off after failed sign-ins, kept in the store so that every web instance counts the
 * same failures. Keys are `user:<name as typed, lower case>` — whether or not such a user
 * exists, so a lock says nothing about that — and `ip:<address>`. Past the limit a key is
 * locked for the base time, doubled with every further failure (capped at a day); failures
 * older than the base time are forgotten; a successful sign-in clears its user key.
 */
import type { Queryable } from './db';

export interface ThrottlePolicy { maxFailures: number; lockSeconds: number }

export const userKey = (name: string) => `user:${name.toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

const MAX_LOCK_SECONDS = 86_400;

/** Seconds until the latest lock among the keys ends, or 0 when none is locked. */
export async function lockedFor(db: Queryable, keys: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ s: number | null }>(
    'SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS s FROM login_throttle WHERE key = ANY($1::text[]) AND locked_until > now()',
    [[...keys]],
  );
  return Math.max(0, rows[0]?.s ?? 0);
}

/** Counts one failure against a key; returns the seconds it is now locked for (0: not locked). */
export async function recordFailure(db: Queryable, key: string, p: ThrottlePolicy): Promise<number> {
  const { rows } = await db.query<{ s: number | null }>(
    `INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.last_failure_at < now() - make_interval(secs => $2) AND (t.locked_until IS NULL OR t.locked_until < now()) THEN 1 ELSE t.failures + 1 END,
       last_failure_at = now()
     RETURNING failures AS s`,
    [key, p.lockSeconds],
  );
  const failures = rows[0]?.s ?? 1;
  if (failures < p.maxFailures) return 0;
  const seconds = Math.min(MAX_LOCK_SECONDS, p.lockSeconds * 2 ** Math.min(20, failures - p.maxFailures));
  await db.query('UPDATE login_throttle SET locked_until = now() + make_interval(secs => $2) WHERE key = $1', [key, seconds]);
  return seconds;
}

export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}
