/**
 * Cookie sessions for the API scope: @fastify/cookie, @fastify/session over the store
 * (dbSessionStore) and @fastify/csrf-protection with its secret in the session. The cookie
 * carries only an opaque random id: HttpOnly, SameSite=Strict, Secure per COOKIE_SECURE.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import { CSRF_HEADER } from '@watchfloor/config/auth';
import type { ApiContext } from '../api/context';
import { dbSessionStore } from './session-store';

export const SESSION_COOKIE = 'wf_session';

/**
 * The id is 32 random bytes, looked up server-side: a signature on it would add a secret every
 * instance must share and nothing a guesser lacks, so the cookie holds the id as it is.
 */
const plainId = { sign: (v: string) => v, unsign: (v: string) => ({ valid: /^[\w-]{43}$/.test(v), renew: false, value: v }) };

export async function registerSessions(api: FastifyInstance, ctx: ApiContext): Promise<void> {
  const s = ctx.settings;
  await api.register(cookie);
  await api.register(session, {
    secret: plainId,
    cookieName: SESSION_COOKIE,
    idGenerator: () => crypto.randomBytes(32).toString('base64url'),
    store: dbSessionStore(() => ctx.runtime()?.db ?? null, { idleSeconds: s.SESSION_IDLE_SECONDS, maxSeconds: s.SESSION_MAX_SECONDS }),
    // Written when it changes (sign-in), not on every request: the store keeps last use itself.
    saveUninitialized: false,
    rolling: false,
    // `auto` is settled per sign-in (the plugin's own `auto` would relax SameSite over plain HTTP).
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: s.COOKIE_SECURE === true, maxAge: s.SESSION_MAX_SECONDS * 1000 },
  });
  await api.register(csrf, {
    sessionPlugin: '@fastify/session',
    getToken: (req) => {
      const v = req.headers[CSRF_HEADER];
      return typeof v === 'string' ? v : undefined;
    },
  });
}
