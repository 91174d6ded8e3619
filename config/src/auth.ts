/**
 * Who may do what, and the wire shapes of signing in: the people's roles, the session routes'
 * bodies and answers, and the audit trail's actions and entries. One definition for the store,
 * the API, the CLI and the pages.
 */
import { z } from 'zod';

/** Roles of people who sign in. The big screen is not a person: it holds the `wall` token. */
export const UserRole = z.enum(['dispatcher', 'analyst', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

/** Everything a caller can be: a person's role, or what one of the service tokens stands for. */
export const Principal = z.enum(['wall', 'dispatcher', 'analyst', 'admin', 'ingest', 'metrics']);
export type Principal = z.infer<typeof Principal>;

/** Who may read the figures: the wall token and every signed-in person. */
export const READERS: readonly Principal[] = ['wall', 'dispatcher', 'analyst', 'admin'];
/** Who may act on warnings (acknowledge, resolve): the duty room, not analysts, never the wall. */
export const DISPATCHERS: readonly Principal[] = ['dispatcher', 'admin'];
export const ADMINS: readonly Principal[] = ['admin'];

/** A username: short, printable, no spaces (it is shown in the audit trail and on warnings). */
export const Username = z.string().min(2).max(64).regex(/^[\p{L}\p{N}._-]+$/u, 'letters, digits, dot, dash or underscore only');

export const MIN_PASSWORD_LENGTH = 10;
export const Password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);

export const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
export type LoginBody = z.infer<typeof LoginBody>;

export const SessionUser = z.object({ name: z.string(), role: UserRole });
export type SessionUser = z.infer<typeof SessionUser>;

/** The answer of signing in and of "who am I": the user, and the token to send in `x-csrf-token` with every write. */
export const SessionView = z.object({ user: SessionUser, csrfToken: z.string(), expiresAt: z.string() });
export type SessionView = z.infer<typeof SessionView>;

export const CSRF_HEADER = 'x-csrf-token';

export const AuditAction = z.enum([
  'login.success', 'login.failure', 'login.locked', 'logout',
  'user.create', 'user.role', 'user.password', 'user.disable', 'user.enable', 'user.sessions_revoked',
  'warning.ack', 'warning.resolve',
  'dispatch.assign', 'dispatch.reassign',
  // A rule file edited on disk and reloaded, or refused (broken: the rules in force stay).
  'rule.change', 'rule.change_refused',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** One entry of the trail as the API shows it (an action is shown as stored, even one a later build renamed). */
export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
