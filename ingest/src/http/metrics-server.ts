/**
 * The stand-alone ingest process has no API: this small server gives it GET /metrics (and
 * nothing else) on METRICS_PORT, so Prometheus scrapes every process the same way.
 */
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Settings } from '@watchfloor/config/settings';
import { errorCode } from '@watchfloor/config/api';
import type { Logger } from '../log';
import { metricsRoute } from './metrics-route';

export async function startMetricsServer(settings: Settings, logger: Logger) {
  const fastifyLogger: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance: fastifyLogger, disableRequestLogging: true });
  metricsRoute(app, settings.metricsToken);
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: errorCode(404), message: `no route ${req.method} ${req.url.split('?')[0]}` } }));
  const address = await app.listen({ port: settings.METRICS_PORT, host: settings.HOST });
  return { address, close: () => app.close() };
}
