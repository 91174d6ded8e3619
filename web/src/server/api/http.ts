/**
 * What every API route shares: the one error shape `{ error: { code, message } }`, the
 * error and not-found handlers, and who may call what (roles checked before a body is read).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiErrorBody, errorCode as codeOf } from '@watchfloor/config/api';
import type { Settings } from '@watchfloor/config/settings';
import { ADMINS, READERS, type Principal, type UserRole } from '@watchfloor/config/auth';
import { bearerToken, queryToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import { redactPhones } from '@watchfloor/ingest/pipeline/redact';

/** An answer other than 2xx that a route chooses: its status, and a message for the caller. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: string = codeOf(status)) {
    super(message);
  }
}

export const ErrorBody = ApiErrorBody;

export function errorBody(status: number, message: string, code = codeOf(status)): ApiErrorBody {
  // Messages can quote what a caller sent (a topic, an id): no phone number goes back out in clear.
  return { error: { code, message: redactPhones(message) } };
}

export function sendError(reply: FastifyReply, status: number, message: string, code = codeOf(status)): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(errorBody(status, message, code));
}

/**
 * What a token stands for. `read`: the wall or admin token; `admin`: the admin token; `ingest`:
 * INGEST_TOKEN; `metrics`: METRICS_TOKEN (default the admin token). Routes may name one of
 * these or, since people sign in, the list of principals that may call them.
 */
export type Role = 'read' | 'admin' | 'ingest' | 'metrics';

/** Who may call a route: a token role (as before sessions) or the principals allowed. */
export type Allowed = Role | readonly Principal[];

const PRINCIPALS_OF: Record<Role, readonly Principal[]> = { read: READERS, admin: ADMINS, ingest: ['ingest'], metrics: ['metrics'] };

export const principalsOf = (who: Allowed): readonly Principal[] => (typeof who === 'string' ? PRINCIPALS_OF[who] : who);

export function tokensFor(role: Role, s: Settings): string[] {
  switch (role) {
    case 'read': return [s.WALL_TOKEN, s.ADMIN_TOKEN];
    case 'admin': return [s.ADMIN_TOKEN];
    case 'ingest': return [s.INGEST_TOKEN];
    case 'metrics': return [s.metricsToken];
  }
}

/** The principals a token stands for (the admin token is the admin role; it may be the metrics token too). */
function tokenPrincipals(token: string | null, s: Settings): Principal[] {
  if (!token) return [];
  const table: Array<[string, Principal]> = [[s.WALL_TOKEN, 'wall'], [s.ADMIN_TOKEN, 'admin'], [s.INGEST_TOKEN, 'ingest'], [s.metricsToken, 'metrics']];
  // Every candidate is compared (constant time each), whichever matches.
  return table.filter(([t]) => tokenIn(token, [t])).map(([, p]) => p);
}

/** Reads may carry `?token=` (the wall's own page); writes and scrapes take the header only. */
export function requestToken(req: { headers: FastifyRequest['headers']; url: string }, role: Role): string | null {
  return bearerToken(req.headers) ?? (role === 'read' ? queryToken(req.url) : null);
}

/** Token-only check (paths refused before routing, health details). */
export function authorised(req: { headers: FastifyRequest['headers']; url: string }, role: Role, s: Settings): boolean {
  return tokenIn(requestToken(req, role), tokensFor(role, s));
}

/** Who called, once requireRole let them through: a service token, or a signed-in person. */
export type Caller = { kind: 'token'; role: Principal; name: string } | { kind: 'session'; role: UserRole; name: string; userId: number };

declare module 'fastify' {
  interface FastifyRequest { caller?: Caller }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * An onRequest hook: who may call, settled before the body is read. A bearer token (or, for
 * reads, `?token=`) is checked first, and a token that does not fit is 401 whatever else came
 * along; otherwise the session's role decides (403 for a role the route does not allow), and
 * a write with the session cookie must carry its CSRF token (403 without). Neither: 401.
 */
export function requireRole(who: Allowed, s: Settings) {
  const allowed = principalsOf(who);
  const queryAllowed = allowed.includes('wall');
  return function checkRole(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const token = bearerToken(req.headers) ?? (queryAllowed ? queryToken(req.url) : null);
    if (token !== null) {
      const role = tokenPrincipals(token, s).find((p) => allowed.includes(p));
      if (!role) return done(new HttpError(401, 'missing or wrong bearer token'));
      req.caller = { kind: 'token', role, name: role === 'admin' ? 'admin-token' : role };
      return done();
    }
    const user = req.session?.user;
    if (!user) return done(new HttpError(401, 'sign in, or send a bearer token'));
    if (!allowed.includes(user.role)) return done(new HttpError(403, `the ${user.role} role may not do this`));
    req.caller = { kind: 'session', role: user.role, name: user.name, userId: user.id };
    if (SAFE.has(req.method)) return done();
    // Cookie-authenticated writes: the page proves it is ours with the session's CSRF token.
    this.csrfProtection(req, reply, () => done());
  };
}

/** The error handler and the 404 handler of the API: every refusal in the one shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.status, err.message, err.code);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && !req.raw.complete) return answerWhileDraining(req, reply, 413, err.message);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const text = err.validation.map((v) => `${where}${v.instancePath.replace(/\//g, '.')}: ${v.message}`).join('; ');
      return sendError(reply, 400, text);
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err, method: req.method, route: req.routeOptions.url }, 'request failed');
      return sendError(reply, status, 'internal error');
    }
    return sendError(reply, status, err.message);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));
}

/** How much of a refused body is still read and thrown away after the answer, before the connection is cut. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

/**
 * Answers a request whose body is still arriving. Node closes such a connection as soon as the
 * response ends, and a close with bytes still coming in makes the kernel send a reset, which
 * destroys the answer unread in the client's buffers: the client sees ECONNRESET, not the
 * refusal. So the answer goes out whole (content-length, connection: close) but the response
 * is ended only once the rest of the body has been read and discarded, up to a cap in bytes
 * and time; past the cap the connection is cut.
 */
function answerWhileDraining(req: FastifyRequest, reply: FastifyReply, status: number, message: string): void {
  const body = JSON.stringify(errorBody(status, message));
  reply.hijack();
  const res = reply.raw;
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) res.setHeader(k, v);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store', connection: 'close',
  });
  res.write(body);
  const raw = req.raw;
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    raw.off('data', onData);
    raw.off('end', finish);
    raw.off('close', finish);
    res.end();
  };
  const cut = () => {
    finish();
    raw.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) cut();
  };
  const timer = setTimeout(cut, DRAIN_MAX_MS);
  raw.on('data', onData);
  raw.once('end', finish);
  raw.once('close', finish);
  raw.resume();
}
