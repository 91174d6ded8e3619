/**
 * Accounts and sign-in over the store: creating and changing users (each change audited),
 * the first admin at start, and checking a username and password against the back-off.
 * Nothing here logs or audits a password, and a failure never says whether the name exists.
 */
import type { UserRole } from '@watchfloor/config/auth';
import type { Db, Queryable } from '../store/db';
import { appendAudit } from '../store/audit';
import { addressKey, clearFailures, lockedFor, recordFailure, userKey, type ThrottlePolicy } from '../store/login-throttle';
import { changeUser, countUsers, createUser, findUser, type UserChange, type UserRow } from '../store/users';
import { revokeUserSessions } from '../store/sessions';
import { decoyHash, hashPassword, verifyPassword } from './password';

export interface Actor { name: string; ip?: string | null }

export async function addUser(db: Db, by: Actor, u: { name: string; role: UserRole; password: string }): Promise<UserRow | null> {
  const passwordHash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    const row = await createUser(tx, { name: u.name, role: u.role, passwordHash });
    if (row) await appendAudit(tx, { actor: by.name, ip: by.ip, action: 'user.create', target: row.name, details: { role: row.role } });
    return row;
  });
}

export type AccountChange = { role: UserRole } | { password: string } | { disabled: boolean };

export async function updateUser(db: Db, by: Actor, name: string, c: AccountChange): Promise<UserRow | null> {
  const change: UserChange = 'password' in c ? { passwordHash: await hashPassword(c.password) } : c;
  return db.transaction(async (tx) => {
    const cur = await findUser(tx, name);
    if (!cur) return null;
    const row = await changeUser(tx, cur.id, change);
    if (!row) return null;
    const action = 'role' in c ? 'user.role' : 'password' in c ? 'user.password' : c.disabled ? 'user.disable' : 'user.enable';
    await appendAudit(tx, { actor: by.name, ip: by.ip, action, target: row.name, details: 'role' in c ? { from: cur.role, to: row.role } : {} });
    return row;
  });
}

/** Ends every session of a user; null when there is no such user. */
export async function revokeSessions(db: Db, by: Actor, name: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    const u = await findUser(tx, name);
    if (!u) return null;
    const n = await revokeUserSessions(tx, u.id);
    await appendAudit(tx, { actor: by.name, ip: by.ip, action: 'user.sessions_revoked', target: u.name, details: { sessions: n } });
    return n;
  });
}

/**
 * At start, when no user exists: the first admin. Several instances starting together may
 * race; the name's unique index lets exactly one create it. True when this call created it.
 */
export async function bootstrapAdmin(db: Db, name: string, password: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  return (await addUser(db, { name: 'system' }, { name, role: 'admin', password })) !== null;
}

/** Whether a user still has the given password (start-up says so while the development one stands). */
export async function hasPassword(db: Queryable, name: string, password: string): Promise<boolean> {
  const u = await findUser(db, name);
  return u !== null && (await verifyPassword(password, u.passwordHash));
}

export type SignIn =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface SignInPolicy { perUser: ThrottlePolicy; perAddress: ThrottlePolicy }

export async function signIn(db: Db, attempt: { username: string; password: string; ip: string }, policy: SignInPolicy): Promise<SignIn> {
  const keys = { user: userKey(attempt.username), ip: addressKey(attempt.ip) };
  const audit = (tx: Queryable, action: 'login.success' | 'login.failure' | 'login.locked', target: string, details: Record<string, string | number> = {}) =>
    appendAudit(tx, { actor: target, ip: attempt.ip, action, target, details });
  // The name as typed goes into the trail only when it is a user's: a mistyped password in the name field must not land there.
  const locked = await lockedFor(db, [keys.user, keys.ip]);
  const user = await findUser(db, attempt.username);
  const who = user?.name ?? '(unknown)';
  if (locked > 0) {
    await db.transaction((tx) => audit(tx, 'login.locked', who));
    return { ok: false, reason: 'locked', retryAfterSeconds: locked };
  }
  const good = await verifyPassword(attempt.password, user?.passwordHash ?? (await decoyHash()));
  if (good && user && !user.disabled) {
    await clearFailures(db, keys.user);
    await db.transaction((tx) => audit(tx, 'login.success', user.name, { role: user.role }));
    return { ok: true, user };
  }
  const lockUser = await recordFailure(db, keys.user, policy.perUser);
  const lockIp = await recordFailure(db, keys.ip, policy.perAddress);
  await db.transaction((tx) => audit(tx, 'login.failure', who, user?.disabled ? { reason: 'disabled' } : {}));
  // The attempt that reaches the limit is told so at once.
  const lock = Math.max(lockUser, lockIp);
  return lock > 0 ? { ok: false, reason: 'locked', retryAfterSeconds: lock } : { ok: false, reason: 'invalid' };
}
