/**
 * GET  /api/warnings?status=open|acknowledged|resolved|active|all&from=&to=   — read role
 * POST /api/warnings/<id>/ack      { note?, by? }   — a dispatcher or admin session (with its CSRF token), or the admin token
 * POST /api/warnings/<id>/resolve  { note?, by? }   — the same; never the wall token, never an analyst
 * Who acted is the signed-in user's name (a `by` in the body is ignored then); only the admin
 * token, an integration with no person signed in, may name who it acts for. Each is audited.
 * "open" is raised and not yet acknowledged; "active" is open or acknowledged.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { displayWarningIds } from '@watchfloor/config/privacy';
import { actOnWarning, listWarnings, type WarningRow } from '@watchfloor/ingest/store/warnings';
import { OptionalTime, ready, type ApiContext } from './context';
import { DISPATCHERS } from '@watchfloor/config/auth';
import { appendAudit } from '@watchfloor/ingest/store/audit';
import { HttpError, requireRole } from './http';

const Filter = z.enum(['open', 'acknowledged', 'resolved', 'active', 'all'], { message: 'status must be open, acknowledged, resolved, active or all' });
const HandBody = z.object({ note: z.string().max(2000).optional(), by: z.string().min(1).max(128).optional() }).default({});

/**
 * What the API shows of a warning: the contract of the issue, plus its figures and acknowledgement.
 * Subject and evidence are free-text ids from the senders: shown in their display form, as on the wall.
 */
function view(w: WarningRow) {
  const { subject, evidence } = displayWarningIds(w);
  return {
    id: w.id, rule: w.rule, colour: w.colour, regionCode: w.regionCode, subject, reason: w.reason, raisedAt: w.raisedAt,
    status: w.status === 'raised' ? 'open' : w.status, evidence, figures: w.figures, updatedAt: w.updatedAt,
    resolvedAt: w.resolvedAt, acknowledgedAt: w.acknowledgedAt, acknowledgedBy: w.acknowledgedBy, note: w.note,
  };
}

export function warningsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/warnings', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ status: Filter.default('active'), from: OptionalTime, to: OptionalTime }) },
  }, async (req, reply) => {
    const rows = await listWarnings(ready(ctx).db, req.query.status, { from: req.query.from, to: req.query.to });
    return reply.header('cache-control', 'no-store').send(rows.map(view));
  });

  api.post('/api/warnings/:id/:action', {
    onRequest: requireRole(DISPATCHERS, ctx.settings),
    bodyLimit: 64 * 1024,
    schema: { params: z.object({ id: z.string().min(1), action: z.enum(['ack', 'resolve']) }), body: HandBody.nullish() },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const { id, action } = req.params;
    const body = req.body ?? {};
    const caller = req.caller!;
    const by = caller.kind === 'session' ? caller.name : body.by ?? 'admin';
    const out = await rt.db.transaction(async (tx) => {
      const w = await actOnWarning(tx, { kind: action, id, by, note: body.note ?? null });
      // The note is free text (it may name people): the trail keeps that one was written, not what.
      if (w !== null && w !== 'resolved') await appendAudit(tx, { actor: caller.name, ip: req.ip, action: action === 'ack' ? 'warning.ack' : 'warning.resolve', target: id, details: { note: body.note !== undefined } });
      return w;
    });
    if (out === null) throw new HttpError(404, `no warning ${id}`);
    if (out === 'resolved') throw new HttpError(409, `warning ${id} is already resolved`);
    ctx.onWarningChanged(out);
    return reply.header('cache-control', 'no-store').send(view(out));
  });
}
