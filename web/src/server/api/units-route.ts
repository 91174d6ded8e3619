/**
 * GET /api/units?status= — read roles (the wall token included: codes, times and positions
 * only). The units in their current state, the one the wall's 可调警力 counts
 * (`?status=available` equals it).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnitStatusCode } from '@watchfloor/config/contracts';
import { UnitView } from '@watchfloor/config/dispatch';
import { listUnits } from '@watchfloor/ingest/store/dispatch';
import { ready, type ApiContext } from './context';
import { requireRole } from './http';

export function unitsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/units', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ status: UnitStatusCode.optional() }), response: { 200: z.array(UnitView) } },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const rows = await listUnits(rt.db, req.query.status ?? null);
    const out: UnitView[] = rows.map((u) => ({
      unitId: u.unitId, kind: rt.region.unitById.get(u.unitId)?.kind ?? null, status: u.status, lon: u.lon, lat: u.lat, incidentId: u.incidentId, at: u.at,
    }));
    return reply.header('cache-control', 'no-store').send(out);
  });
}
