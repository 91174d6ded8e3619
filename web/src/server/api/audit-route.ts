/**
 * The audit trail (admin only):
 *   GET /api/audit?from=&to=&actor=&action=&target=&limit=   → entries, newest first
 *   GET /api/audit/verify                           → { ok, entries, head } or the first broken link
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMINS, AuditAction } from '@watchfloor/config/auth';
import { listAudit, verifyAudit } from '@watchfloor/ingest/store/audit';
import { OptionalTime, ready, type ApiContext } from './context';
import { requireRole } from './http';

export function auditRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireRole(ADMINS, ctx.settings);
  api.get('/api/audit', {
    onRequest,
    schema: { querystring: z.object({ from: OptionalTime, to: OptionalTime, actor: z.string().max(64).optional(), action: AuditAction.optional(), target: z.string().max(256).optional(), limit: z.coerce.number().int().min(1).max(10_000).default(1000) }) },
  }, async (req, reply) => {
    const q = req.query;
    return reply.header('cache-control', 'no-store').send(await listAudit(ready(ctx).db, { from: q.from, to: q.to, actor: q.actor ?? null, action: q.action ?? null, target: q.target ?? null, limit: q.limit }));
  });
  api.get('/api/audit/verify', { onRequest }, async (_req, reply) => reply.header('cache-control', 'no-store').send(await verifyAudit(ready(ctx).db)));
}
