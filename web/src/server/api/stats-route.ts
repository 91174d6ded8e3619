/**
 * GET /api/stats/summary?from=&to=&town= — the figures of store/queries/summary.ts for a range, the county's or one town's (read role).
 * GET /api/stats/briefing?from=&to=&region= — the weekly briefing's figures (analyst, admin, the wall).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { summary } from '@watchfloor/ingest/store/queries/summary';
import { startOfDay } from '@watchfloor/config/time';
import { Briefing } from '@watchfloor/config/briefing';
import { briefingFigures, BriefingRequestError, resolveRequest } from '../briefing/figures';
import { OptionalTime, ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

/** Who reads the briefing: the analysts and admins it is made for, and the wall (its figures agree with the wall's). */
export const BRIEFING_READERS = ['wall', 'analyst', 'admin'] as const;

export const BriefingQuerystring = z.object({ from: OptionalTime, to: OptionalTime, region: z.string().max(32).optional() });

/** The request's period and region, or a 400 saying why not. */
export function briefingPeriod(ctx: ApiContext, q: z.infer<typeof BriefingQuerystring>) {
  const rt = ready(ctx);
  try {
    return { rt, ...resolveRequest(rt, { from: q.from, to: q.to, region: q.region || null }) };
  } catch (err) {
    if (err instanceof BriefingRequestError) throw new HttpError(400, err.message);
    throw err;
  }
}

export function statsRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/stats/summary', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ from: OptionalTime, to: OptionalTime, town: z.string().min(1).max(32).optional() }) },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const now = new Date();
    // Default range: today in the center's time zone, up to now.
    const from = req.query.from ?? startOfDay(now, rt.settings.TZ_CENTER);
    const to = req.query.to ?? now;
    if (!(from < to)) throw new HttpError(400, 'from must be before to');
    const townCode = req.query.town ?? null;
    if (townCode !== null && !rt.region.townByCode.has(townCode)) throw new HttpError(400, 'town is not one of the county\'s towns');
    return reply.header('cache-control', 'no-store').send(await summary(rt.readDb, { from, to, townCode }));
  });

  app.withTypeProvider<ZodTypeProvider>().get('/api/stats/briefing', {
    onRequest: requireRole(BRIEFING_READERS, ctx.settings),
    schema: { querystring: BriefingQuerystring, response: { 200: Briefing } },
  }, async (req, reply) => {
    const { rt, from, to, townCode } = briefingPeriod(ctx, req.query);
    return reply.header('cache-control', 'no-store').send(await briefingFigures(rt, { from, to, townCode }));
  });
}
