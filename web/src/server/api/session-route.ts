/**
 * Signing in and out with a username and password (cookie sessions; see docs/api.md):
 *   POST   /api/session   { username, password } → { user, csrfToken, expiresAt } and the cookie
 *   GET    /api/session   → the same for the session the cookie names (401 without one)
 *   DELETE /api/session   → 204; the session ends everywhere (CSRF token required)
 * and the same under the names the dispatch console's interface gives them:
 *   POST /api/auth/login, POST /api/auth/logout.
 * A refusal never says whether the username exists; repeated failures lock the name and the
 * address for a while (429 with Retry-After).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LoginBody, SessionView, type UserRole } from '@watchfloor/config/auth';
import { signIn, type SignInPolicy } from '@watchfloor/ingest/auth/accounts';
import { appendAudit } from '@watchfloor/ingest/store/audit';
import { ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';
import { SESSION_COOKIE } from '../auth/sessions-plugin';

const PEOPLE: readonly UserRole[] = ['dispatcher', 'analyst', 'admin'];

export function sessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const s = ctx.settings;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const policy: SignInPolicy = {
    perUser: { maxFailures: s.LOGIN_MAX_FAILURES, lockSeconds: s.LOGIN_LOCK_SECONDS },
    perAddress: { maxFailures: s.LOGIN_MAX_FAILURES_PER_ADDRESS, lockSeconds: s.LOGIN_LOCK_SECONDS },
  };
  const expiresAt = () => new Date(Date.now() + Math.min(s.SESSION_IDLE_SECONDS, s.SESSION_MAX_SECONDS) * 1000).toISOString();

  async function login(req: FastifyRequest<{ Body: LoginBody }>, reply: FastifyReply) {
    const rt = ready(ctx);
    const out = await signIn(rt.db, { username: req.body.username, password: req.body.password, ip: req.ip }, policy);
    if (!out.ok) {
      if (out.reason === 'locked') {
        reply.header('retry-after', String(out.retryAfterSeconds));
        throw new HttpError(429, 'too many failed sign-ins: try again later', 'locked');
      }
      throw new HttpError(401, 'wrong username or password', 'invalid_credentials');
    }
    // A new id at every sign-in: an id planted before it (session fixation) opens nothing.
    await req.session.regenerate();
    if (s.COOKIE_SECURE === 'auto' && req.protocol === 'https') req.session.options({ secure: true });
    const { user } = out;
    req.session.set('user', { id: user.id, name: user.name, role: user.role });
    const body: SessionView = { user: { name: user.name, role: user.role }, csrfToken: reply.generateCsrf(), expiresAt: expiresAt() };
    return reply.header('cache-control', 'no-store').send(body);
  }

  async function logout(req: FastifyRequest, reply: FastifyReply) {
    const caller = req.caller;
    if (caller?.kind !== 'session') throw new HttpError(400, 'no session to end: tokens are not signed in');
    const rt = ready(ctx);
    await rt.db.transaction((tx) => appendAudit(tx, { actor: caller.name, ip: req.ip, action: 'logout', target: caller.name }));
    await req.session.destroy();
    ctx.onSessionsChanged?.();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).header('cache-control', 'no-store').send();
  }

  const loginOptions = {
    bodyLimit: 16 * 1024,
    config: { rateLimit: { max: s.LOGIN_RATE_LIMIT, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `login:${req.ip}` } },
    schema: { body: LoginBody },
  };
  api.post('/api/session', loginOptions, login);
  api.post('/api/auth/login', loginOptions, login);

  api.get('/api/session', async (req, reply) => {
    const user = req.session?.user;
    if (!user) throw new HttpError(401, 'not signed in');
    const body: SessionView = { user: { name: user.name, role: user.role }, csrfToken: reply.generateCsrf(), expiresAt: req.session.expiresAt ?? expiresAt() };
    return reply.header('cache-control', 'no-store').send(body);
  });

  api.delete('/api/session', { onRequest: requireRole(PEOPLE, s) }, logout);
  api.post('/api/auth/logout', { onRequest: requireRole(PEOPLE, s), bodyLimit: 1024 }, logout);
}
