/**
 * GET  /api/incidents?status=&from=&to=       — read roles (the wall token included: no personal data here);
 *      by default the wall's window, so that its 警力调度 counts equal these lists
 * GET  /api/incidents/<id>/suggestions         — read roles
 * GET  /api/incidents/<id>                     — the card (summary masked, masked caller, timeline, fusion, 民转刑):
 *      signed-in people and the admin token, not the wall token
 * GET  /api/incidents/response-times?town=     — exact p50/p90 today and this week, read roles
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
import { DISPATCHERS, type Principal } from '@watchfloor/config/auth';
import { IncidentState, type DispatchCommand } from '@watchfloor/config/contracts';
import {
  AssignBody, DISPATCH_RULES, distanceM, FREE_UNIT_STATUS, FUSION_RULES, IncidentCard, IncidentView, type ResponseTimes, type ResponseTimesPeriod,
  type Suggestion, type SuggestionReason,
} from '@watchfloor/config/dispatch';
import { INCIDENT_WINDOW_MS } from '@watchfloor/config/wall';
import { TownCode } from '@watchfloor/config/region';
import { startOfDay, startOfWeek } from '@watchfloor/config/time';
import { responseTimes } from '@watchfloor/ingest/store/queries/response-times';
import type { Runtime } from '@watchfloor/ingest/runtime';
import { redactPhones } from '@watchfloor/ingest/pipeline/redact';
import {
  cardCall, cardTimeline, fusionAlerts, fusionCases, repeatDisputeWarnings, samePlaceCalls, sameCallerCalls, type TimelineEntry,
} from '@watchfloor/ingest/store/queries/incident-card';
import { appendAudit } from '@watchfloor/ingest/store/audit';
import { assignUnit, availableUnits, getIncident, listIncidents, type IncidentRow } from '@watchfloor/ingest/store/dispatch';
import { unitLoadsSince } from '@watchfloor/ingest/store/queries/unit-load';
import { OptionalTime, ready, type ApiContext } from './context';
import { errorBody, HttpError, requireRole, type Caller } from './http';

/** What the API shows of an incident; who assigned it (a person's username) only to signed-in people and the admin token. */
function view(i: IncidentRow, caller?: Caller): IncidentView {
  return {
    id: i.id, status: i.status, priority: i.priority, category: i.category, gridId: i.gridId, lon: i.lon, lat: i.lat,
    assignedUnitId: i.assignedUnitId, assignedBy: caller?.role === 'wall' ? null : i.assignedBy, version: i.version,
    receivedAt: i.receivedAt, dispatchedAt: i.dispatchedAt, enRouteAt: i.enRouteAt, onSceneAt: i.onSceneAt, handledAt: i.handledAt, closedAt: i.closedAt,
  };
}

export function incidentsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const Id = z.object({ id: z.string().min(1).max(128) });

  api.get('/api/incidents', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ status: IncidentState.optional(), from: OptionalTime, to: OptionalTime, limit: z.coerce.number().int().min(1).max(5000).default(1000) }), response: { 200: z.array(IncidentView) } },
  }, async (req, reply) => {
    const now = Date.now();
    // By default the wall's window (its 警力调度 counts are these): received in the last 24 h,
    // calls stamped a little ahead of the clock included.
    const to = req.query.to;
    const from = req.query.from ?? new Date((to?.getTime() ?? now) - INCIDENT_WINDOW_MS);
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
      // The field needs the words, not a number typed into them: phones masked as everywhere else.
      at: new Date(now).toISOString(), ...(body.instruction !== undefined ? { instruction: redactPhones(body.instruction) } : {}),
    };
    // Stored as every dispatch command is (the wall's delta comes from there), then sent to the
    // field; a consumer reading it back finds it stored already (same id) and drops it.
    await rt.pipeline.process('dispatch.commands', [{ value: cmd }], 'http');
    await rt.publisher.send('dispatch.commands', [cmd], () => cmd.incidentId).catch((err: Error) => req.log.error({ err: err.message, incident: cmd.incidentId }, 'dispatch command publish failed'));
    const incident = (await getIncident(rt.db, req.params.id, Date.now())) ?? out.incident;
    return reply.header('cache-control', 'no-store').send({ ...view(incident), dispatchId: cmd.id });
  });
}

// ---------------------------------------------------------------------------------------------
// The console's reads of one incident and of the response times (issue 8): apart from the
// list and the assignment above, so each can change without the other.

/** Who may read an incident's card: signed-in people and the admin token, never the wall (the card shows the masked caller and the summary). */
const CARD_READERS: readonly Principal[] = ['dispatcher', 'analyst', 'admin'];

async function buildCard(rt: Runtime, id: string, now: number): Promise<IncidentCard | null> {
  const [row, call] = [await getIncident(rt.db, id, now), await cardCall(rt.db, id)];
  if (!row || !call) return null;
  const timeline = await cardTimeline(rt.db, id);
  const alerts = await fusionAlerts(rt.db, call, FUSION_RULES);
  const cases = await fusionCases(rt.db, rt.region, call, FUSION_RULES);
  const sameCaller = await sameCallerCalls(rt.db, call, FUSION_RULES);
  const samePlace = await samePlaceCalls(rt.db, call, FUSION_RULES);
  const related = [call.id, ...sameCaller.map((c) => c.id), ...samePlace.map((c) => c.id), ...cases.flatMap((k) => (k.relatedCallId ? [k.relatedCallId] : []))];
  const warningIds = await repeatDisputeWarnings(rt.db, related);
  const card = {
    incident: {
      // The card is never the wall token's: who assigned it is shown.
      ...view(row),
      // Stored redacted at ingest; masked again on the way out, whatever an older row holds.
      summary: redactPhones(call.summary),
      callerMasked: call.callerMasked === null ? null : redactPhones(call.callerMasked),
      address: call.address === null ? null : redactPhones(call.address),
      townCode: call.townCode, villageCode: call.villageCode,
    },
    timeline: [
      { at: row.receivedAt, kind: 'received', status: null, unitId: null, by: null },
      ...timeline.map((e) => (e.kind === 'assigned'
        ? { at: e.at, kind: 'assigned' as const, status: null, unitId: e.unitId, by: e.by }
        : { at: e.at, kind: 'unit_status' as const, status: e.status, unitId: e.unitId, by: null })),
      ...(row.closedAt ? [{ at: row.closedAt, kind: 'closed' as const, status: null, unitId: null, by: null }] : []),
    ],
    fusion: { alerts, cases, sameCaller, samePlace },
    criminalRisk: { flagged: warningIds.length > 0, warningIds },
  };
  // The stored codes are text: checked against the config's on the way out (an error, never a guess).
  return IncidentCard.parse(card);
}

/** GET /api/incidents/<id>: the incident's card. Registered before the list's routes, with the response times. */
export function incidentCardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/incidents/:id', {
    onRequest: requireRole(CARD_READERS, ctx.settings),
    schema: { params: z.object({ id: z.string().min(1).max(128) }) },
  }, async (req, reply) => {
    const card = await buildCard(ready(ctx), req.params.id, Date.now());
    if (!card) throw new HttpError(404, `no incident ${req.params.id}`);
    return reply.header('cache-control', 'no-store').send(card);
  });
}

/**
 * GET /api/incidents/response-times[?town=]: exact p50/p90 of the incidents received today
 * (since local midnight) and this week (since Monday 00:00), the center's zone, up to now.
 * Registered before /api/incidents/:id (a static path wins in the router anyway).
 */
export function responseTimesRoute(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/incidents/response-times', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ town: TownCode.optional() }) },
  }, async (req, reply) => {
    const db = ready(ctx).readDb;
    const now = new Date();
    const tz = ctx.settings.TZ_CENTER;
    const period = async (from: Date): Promise<ResponseTimesPeriod> => ({
      from: from.toISOString(), to: now.toISOString(),
      ...(await responseTimes(db, { from, to: now, townCode: req.query.town ?? null })),
    });
    const body: ResponseTimes = { today: await period(startOfDay(now, tz)), week: await period(startOfWeek(now, tz)) };
    return reply.header('cache-control', 'no-store').send(body);
  });
}
