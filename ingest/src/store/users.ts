/** People who sign in: their role and password hash (never the password), and changes to them. */
import { UserRole } from '@watchfloor/config/auth';
import type { Queryable } from './db';

export interface UserRow { id: number; name: string; role: UserRole; passwordHash: string; disabled: boolean; createdAt: string }

type Raw = { id: string | number; name: string; role: string; password_hash: string; disabled_at: Date | null; created_at: Date };
const toRow = (r: Raw): UserRow => ({ id: Number(r.id), name: r.name, role: UserRole.parse(r.role), passwordHash: r.password_hash, disabled: r.disabled_at !== null, createdAt: new Date(r.created_at).toISOString() });

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]!.n;
}

export async function findUser(db: Queryable, name: string): Promise<UserRow | null> {
  const { rows } = await db.query<Raw>('SELECT * FROM users WHERE lower(name) = lower($1)', [name]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  const { rows } = await db.query<Raw>('SELECT * FROM users ORDER BY lower(name)');
  return rows.map(toRow);
}

/** Null when the name is taken (in any letter case). */
export async function createUser(tx: Queryable, u: { name: string; role: UserRole; passwordHash: string }): Promise<UserRow | null> {
  const { rows } = await tx.query<Raw>(
    `INSERT INTO users (name, role, password_hash) VALUES ($1, $2, $3) ON CONFLICT (lower(name)) DO NOTHING RETURNING *`,
    [u.name, u.role, u.passwordHash],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

export type UserChange = { role: UserRole } | { passwordHash: string } | { disabled: boolean };

/** Changes one user; every change ends the user's sessions, so a new role or password holds at once. */
export async function changeUser(tx: Queryable, id: number, c: UserChange): Promise<UserRow | null> {
  const [column, value]: [string, string | boolean] = 'role' in c ? ['role = $2', c.role]
    : 'passwordHash' in c ? ['password_hash = $2', c.passwordHash]
    : ['disabled_at = CASE WHEN $2::boolean THEN coalesce(disabled_at, now()) END', c.disabled];
  const { rows } = await tx.query<Raw>(`UPDATE users SET ${column}, updated_at = now() WHERE id = $1 RETURNING *`, [id, value]);
  if (!rows[0]) return null;
  await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  return toRow(rows[0]);
}
