/** GET /api/stats/summary?from=&to= — the figures of store/queries/summary.ts for a range (read role). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { summary } from '@watchfloor/ingest/store/queries/summary';
import { startOfDay } from '@watchfloor/config/time';
import { OptionalTime, ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

export function statsRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/stats/summary', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ from: OptionalTime, to: OptionalTime }) },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const now = new Date();
    // Default range: today in the center's time zone, up to now.
    const from = req.query.from ?? startOfDay(now, rt.settings.TZ_CENTER);
    const to = req.query.to ?? now;
    if (!(from < to)) throw new HttpError(400, 'from must be before to');
    return reply.header('cache-control', 'no-store').send(await summary(rt.readDb, { from, to }));
  });
}
