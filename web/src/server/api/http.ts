/**
 * What every API route shares: the one error shape `{ error: { code, message } }`, the
 * error and not-found handlers, and who may call what (roles checked before a body is read).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiErrorBody, errorCode as codeOf } from '@watchfloor/config/api';
import type { Settings } from '@watchfloor/config/settings';
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

/** Who may call a route. `read`: the wall or admin token; `admin`: the admin token; `ingest`: INGEST_TOKEN; `metrics`: METRICS_TOKEN (default the admin token). */
export type Role = 'read' | 'admin' | 'ingest' | 'metrics';

export function tokensFor(role: Role, s: Settings): string[] {
  switch (role) {
    case 'read': return [s.WALL_TOKEN, s.ADMIN_TOKEN];
    case 'admin': return [s.ADMIN_TOKEN];
    case 'ingest': return [s.INGEST_TOKEN];
    case 'metrics': return [s.metricsToken];
  }
}

/** Reads may carry `?token=` (the wall's own page); writes and scrapes take the header only. */
export function requestToken(req: { headers: FastifyRequest['headers']; url: string }, role: Role): string | null {
  return bearerToken(req.headers) ?? (role === 'read' ? queryToken(req.url) : null);
}

export function authorised(req: { headers: FastifyRequest['headers']; url: string }, role: Role, s: Settings): boolean {
  return tokenIn(requestToken(req, role), tokensFor(role, s));
}

/** An onRequest hook: 401 before the body is read or anything else is looked at. */
export function requireRole(role: Role, s: Settings) {
  return async (req: FastifyRequest) => {
    if (!authorised(req, role, s)) throw new HttpError(401, 'missing or wrong bearer token');
  };
}

/** The error handler and the 404 handler of the API: every refusal in the one shape. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.status, err.message, err.code);
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
