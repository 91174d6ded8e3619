/**
 * The API on Fastify: every route with its method, its zod schemas and the role that may call
 * it; a known path asked with another method answers 405 with `Allow`; unknown /api paths 404,
 * in the one error shape. Handlers run over the runtime of this process, so they share its
 * store connection and in-process bus.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { metricsRoute } from '@watchfloor/ingest/http/metrics-route';
import type { ApiContext } from './context';
import { healthRoute } from './health-route';
import { sendError } from './http';
import { ingestRoute } from './ingest-route';
import { regionRoute } from './region-route';
import { basemapRoute } from './basemap-route';
import { statsRoute } from './stats-route';
import { briefingRoutes } from './briefing-route';
import { warningsRoutes } from './warnings-route';
import { incidentCardRoutes, incidentsRoutes, responseTimesRoute } from './incidents-route';
import { replayRoutes } from './replay-route';
import { videoRoutes } from './video-route';
import { unitsRoutes } from './units-route';
import { auditRoutes } from './audit-route';
import { sessionRoutes } from './session-route';
import { usersRoutes } from './users-route';
import { registerSessions } from '../auth/sessions-plugin';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The methods each API path answers, as registered: the 405s are derived from it, never written by hand. */
function collectMethods(app: FastifyInstance): Map<string, Set<string>> {
  const byUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') && r.url !== '/metrics') return;
    const set = byUrl.get(r.url) ?? new Set<string>();
    for (const m of [r.method].flat()) set.add(m);
    byUrl.set(r.url, set);
  });
  return byUrl;
}

function methodNotAllowed(app: FastifyInstance, byUrl: Map<string, Set<string>>): void {
  for (const [url, methods] of [...byUrl]) {
    const allow = METHODS.filter((m) => methods.has(m));
    const others = METHODS.filter((m) => !methods.has(m));
    if (!others.length) continue;
    app.route({
      method: others, url,
      // Answered before any body is read.
      onRequest: async (req, reply) => {
        reply.header('allow', allow.join(', '));
        return sendError(reply, 405, `${req.method} is not allowed here; use ${allow.join(', ')}`);
      },
      handler: async () => undefined,
    });
  }
}

export async function registerApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await app.register(async (api) => {
    const byUrl = collectMethods(api);
    await api.register(rateLimit, { global: false });
    // Before the routes: their role checks read the session these hooks load.
    await registerSessions(api, ctx);
    sessionRoutes(api, ctx);
    usersRoutes(api, ctx);
    auditRoutes(api, ctx);
    healthRoute(api, ctx);
    statsRoute(api, ctx);
    briefingRoutes(api, ctx);
    regionRoute(api, ctx);
    basemapRoute(api, ctx);
    warningsRoutes(api, ctx);
    responseTimesRoute(api, ctx);
    incidentCardRoutes(api, ctx);
    incidentsRoutes(api, ctx);
    replayRoutes(api, ctx);
    videoRoutes(api, ctx);
    unitsRoutes(api, ctx);
    metricsRoute(api, ctx.settings.metricsToken);
    // Its own scope: the ingest body parser (raw text, INGEST_MAX_BYTES) applies to it alone.
    await api.register(async (ingest) => ingestRoute(ingest, ctx));
    methodNotAllowed(api, new Map(byUrl));
    api.all('/api/*', async (req, reply) => sendError(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`));
  });
}
