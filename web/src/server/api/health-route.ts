/**
 * GET /api/health — open to anyone, for supervisors and load balancers: `{ status }` only
 * (up, down, starting). With the wall or admin token, the details (store, bus, lag, counters).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HealthStatus } from '@watchfloor/config/api';
import type { ApiContext } from './context';
import { authorised } from './http';

export function healthRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/health', {
    schema: { querystring: z.object({ token: z.string().optional() }) },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const detailed = authorised(req, 'read', ctx.settings);
    const rt = ctx.runtime();
    if (!rt) {
      const status: HealthStatus = ctx.startFailed() ? 'down' : 'starting';
      return reply.code(503).header('retry-after', '2').send({ status });
    }
    const h = await rt.health();
    const status: HealthStatus = h.status === 'ok' ? 'up' : 'down';
    return reply.code(status === 'up' ? 200 : 503).send(detailed ? { ...h, status } : { status });
  });
}
