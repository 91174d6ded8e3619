/** GET /metrics in Prometheus text format, behind a bearer token (both the web and the ingest process serve it). */
import type { FastifyInstance } from 'fastify';
import { errorCode } from '@watchfloor/config/api';
import { registry } from '../metrics';
import { bearerToken, tokenIn } from './tokens';

export function metricsRoute(app: FastifyInstance, token: string): void {
  app.get('/metrics', async (req, reply) => {
    if (!tokenIn(bearerToken(req.headers), [token])) {
      return reply.code(401).send({ error: { code: errorCode(401), message: 'missing or wrong bearer token' } });
    }
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(await registry.metrics());
  });
}
