/**
 * GET  /api/incidents?status=&from=&to=       — read roles (the wall token included: no personal data here)
 * GET  /api/incidents/<id>/suggestions         — read roles
 * POST /api/incidents/<id>/assign { unitId, instruction?, expectedVersion?, reassign? }
 *      — a dispatcher or admin session (with its CSRF token) or the admin token; 409 with the
 *        current state and who assigned it when another assignment won.
 * An assignment commits with its audit entry, then goes through the pipeline as a
 * `dispatch.commands` event (stored, the wall's delta) and out to the topic for the field.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISPATCHERS } from '@watchfloor/config/auth';
import { IncidentState, type DispatchCommand } from '@watchfloor/config/contracts';
import { AssignBody, DISPATCH_RULES, distanceM, FREE_UNIT_STATUS, type IncidentView, type Suggestion, type SuggestionReason } from '@watchfloor/config/dispatch';
import { startOfDay } from '@watchfloor/config/time';
import { appendAudit } from '@watchfloor/ingest/store/audit';
import { assignUnit, availableUnits, getIncident, listIncidents, type IncidentRow } from '@watchfloor/ingest/store/dispatch';
import { unitLoadsSince } from '@watchfloor/ingest/store/queries/unit-load';
import { OptionalTime, ready, type ApiContext } from './context';
import { errorBody, HttpError, requireRole, type Caller } from './http';

const DAY_MS = 86_400_000;

/**
 * What the API shows of an incident (IncidentView of config/src/dispatch.ts: the console parses
 * it so); who assigned it (a person's username) only to signed-in people and the admin token.
 */
function view(i: IncidentRow, caller?: Caller): IncidentView {
  return {
    // The category column holds what a checked event carried: a CallCategory.
    id: i.id, status: i.status, priority: i.priority, category: i.category as IncidentView['category'], gridId: i.gridId, lon: i.lon, lat: i.lat,
    assignedUnitId: i.assignedUnitId, assignedBy: caller?.role === 'wall' ? null : i.assignedBy, version: i.version,
    // The incident row keeps no en-route time yet: the card's timeline has the field's report.
    receivedAt: i.receivedAt, dispatchedAt: i.dispatchedAt, enRouteAt: null, onSceneAt: i.onSceneAt, handledAt: i.handledAt, closedAt: i.closedAt,
  };
}

export function incidentsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const Id = z.object({ id: z.string().min(1).max(128) });

  api.get('/api/incidents', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ status: IncidentState.optional(), from: OptionalTime, to: OptionalTime, limit: z.coerce.number().int().min(1).max(5000).default(1000) }) },
  }, async (req, reply) => {
    const now = Date.now();
    const to = req.query.to ?? new Date(now + 60_000);
    const from = req.query.from ?? new Date(to.getTime() - DAY_MS);
    const rows = await listIncidents(ready(ctx).db, { from, to, status: req.query.status ?? null, now, limit: req.query.limit });
    return reply.header('cache-control', 'no-store').send(rows.map((r) => view(r, req.caller)));
  });

  api.get('/api/incidents/:id/suggestions', {
    onRequest: requireRole('read', ctx.settings),
    schema: { params: Id },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const now = Date.now();
    const incident = await getIncident(rt.db, req.params.id, now);
    if (!incident) throw new HttpError(404, `no incident ${req.params.id}`);
    const staleMs = ctx.settings.UNIT_STALE_SECONDS * 1000;
    const load = await unitLoadsSince(rt.db, startOfDay(new Date(now), ctx.settings.TZ_CENTER));
    const out: Suggestion[] = (await availableUnits(rt.db)).map((u) => {
      const home = rt.region.unitById.get(u.unitId);
      const pos = u.lon !== null && u.lat !== null ? { lon: u.lon, lat: u.lat } : home ? { lon: home.lon, lat: home.lat } : null;
      if (!pos) return null;
      const d = distanceM(pos, incident);
      const speed = home ? DISPATCH_RULES.speedMps[home.kind] : undefined;
      const stale = u.lon === null || now - Date.parse(u.at) > staleMs;
      const reason: SuggestionReason = u.lon === null ? 'home_position' : stale ? 'stale_position' : 'nearest_available';
      return { unitId: u.unitId, kind: home?.kind ?? null, status: FREE_UNIT_STATUS, // availableUnits reads only these
        distanceM: Math.round(d), etaS: Math.round(d / (speed ?? DISPATCH_RULES.speedMps.community_officer)), stale, reason, positionAt: u.at, loadToday: load.get(u.unitId) ?? 0 };
    }).filter((s) => s !== null);
    // Fresh units first: a stale position is no proof of nearness.
    out.sort((a, b) => Number(a.stale) - Number(b.stale) || a.distanceM - b.distanceM);
    return reply.header('cache-control', 'no-store').send(out);
  });

  api.post('/api/incidents/:id/assign', {
    onRequest: requireRole(DISPATCHERS, ctx.settings),
    bodyLimit: 64 * 1024,
    schema: { params: Id, body: AssignBody },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const caller = req.caller!;
    const body = req.body;
    if (body.reassign && body.expectedVersion === undefined) throw new HttpError(400, 'a reassignment names the incident version it replaces (expectedVersion)');
    const now = Date.now();
    const out = await rt.db.transaction(async (tx) => {
      const r = await assignUnit(tx, { incidentId: req.params.id, unitId: body.unitId, by: caller.name, expectedVersion: body.expectedVersion, reassign: body.reassign === true, now });
      if (r.ok) {
        // The instruction is free text (it may name people): the trail keeps that one was given.
        await appendAudit(tx, {
          actor: caller.name, ip: req.ip, action: r.previousUnitId ? 'dispatch.reassign' : 'dispatch.assign', target: req.params.id,
          details: { unitId: body.unitId, previousUnitId: r.previousUnitId, version: r.incident.version, instruction: body.instruction !== undefined },
        });
      }
      return r;
    });
    if (!out.ok && out.conflict === 'not_found') throw new HttpError(404, `no incident ${req.params.id}`);
    if (!out.ok) {
      // Refused, never stored: logged with ids and codes only.
      req.log.warn({ incident: req.params.id, unit: body.unitId, conflict: out.conflict, actor: caller.name }, 'assignment refused');
      return reply.code(409).header('cache-control', 'no-store').send({ ...errorBody(409, out.message, out.conflict), current: view(out.incident) });
    }
    const cmd: DispatchCommand = {
      id: `D-${crypto.randomUUID()}`, incidentId: req.params.id, unitId: body.unitId, by: caller.name,
      at: new Date(now).toISOString(), ...(body.instruction !== undefined ? { instruction: body.instruction } : {}),
    };
    // Stored as every dispatch command is (the wall's delta comes from there), then sent to the
    // field; a consumer reading it back finds it stored already (same id) and drops it.
    await rt.pipeline.process('dispatch.commands', [{ value: cmd }], 'http');
    await rt.publisher.send('dispatch.commands', [cmd], () => cmd.incidentId).catch((err: Error) => req.log.error({ err: err.message, incident: cmd.incidentId }, 'dispatch command publish failed'));
    const incident = (await getIncident(rt.db, req.params.id, Date.now())) ?? out.incident;
    return reply.header('cache-control', 'no-store').send({ ...view(incident), dispatchId: cmd.id });
  });
}
