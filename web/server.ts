/**
 * The web process: one HTTP port (Fastify) serving the API, the Next.js pages behind it and the
 * socket.io gateway. In the embedded default it also hosts the data plane (PGlite, in-process
 * bus, simulator), so `npm start` is the whole system. It listens at once and answers
 * /api/health with 503 until the store and bus are ready, so a supervisor can tell
 * "starting" from "down".
 */
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import helmet from '@fastify/helmet';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import next from 'next';
import { devDefaultsInUse, loadSettings } from '@watchfloor/config/settings';
import { startRuntime, type Runtime } from '@watchfloor/ingest/runtime';
import { startSimulator, type Simulator } from '@watchfloor/ingest/simulator/simulator';
import { obeyDispatches, type FieldUnits } from '@watchfloor/ingest/simulator/field-units';
import { createLogger, lineLog } from '@watchfloor/ingest/log';
import { deltaLatency, socketClientsGauge } from '@watchfloor/ingest/metrics';
import { bootstrapAccounts } from '@watchfloor/ingest/auth/bootstrap';
import type { Outage } from '@watchfloor/config/wall';
import { registerApi } from './src/server/api/api';
import { startWeeklyArchive, type WeeklyArchiver } from './src/server/briefing/archive';
import { closeVideoJobs } from './src/server/video/service';
import { briefingExporter, closeBriefingExporter, exportQuery, loopbackBaseUrl } from './src/server/briefing/export-service';
import { briefingFigures } from './src/server/briefing/figures';
import type { ApiContext } from './src/server/api/context';
import { authorised, installErrorHandling, principalsOf, requestToken, sendError, type Role } from './src/server/api/http';
import { helmetOptions } from './src/server/security';
import { startGateway } from './src/server/live/gateway';
import { socketSessions } from './src/server/auth/socket-sessions';
import { startWallHub, toWallWarning, type WallHub } from './src/server/live/wall-hub';
import type { DeltaSink } from '@watchfloor/ingest/live/delta-sink';
import type { WarningRow } from '@watchfloor/ingest/store/warnings';

const settings = loadSettings();
const logger = createLogger({ level: settings.LOG_LEVEL, name: 'web' });
const log = lineLog(logger);
const webDir = path.dirname(fileURLToPath(import.meta.url));

let runtime: Runtime | null = null;
let simulator: Simulator | null = null;
let fieldUnits: FieldUnits | null = null;
let hub: WallHub | null = null;
let archiver: WeeklyArchiver | null = null;
let gateway: ReturnType<typeof startGateway> | null = null;
let onWarningChanged: ((w: WarningRow) => void) | null = null;
let nextHandle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
let startError: string | null = null;

/** Who may call a path whose percent-encoding is broken (it never reaches its route's own check). */
function roleOfPath(url: string): Role | null {
  if (url.startsWith('/api/ingest/')) return 'ingest';
  if (url.startsWith('/api/warnings/')) return 'admin';
  if (url.startsWith('/api/')) return 'read';
  return null;
}

/** Signed-in people, as the live socket and the paths refused before routing look them up. */
const sessions = socketSessions(() => runtime?.db ?? null, { idleSeconds: settings.SESSION_IDLE_SECONDS, maxSeconds: settings.SESSION_MAX_SECONDS }, ['dispatcher', 'analyst', 'admin']);

// Fastify's routes are typed against its base logger interface, which pino's logger satisfies.
const fastifyLogger: FastifyBaseLogger = logger;
const app = Fastify({
  loggerInstance: fastifyLogger,
  disableRequestLogging: true,
  // Behind a reverse proxy: the client's address (sign-in back-off) and scheme (Secure cookies).
  trustProxy: settings.TRUST_PROXY,
  // A path that cannot be decoded: the caller's right to the route is settled first (401), then 400.
  frameworkErrors: (err, req, reply) => {
    const role = roleOfPath(req.url);
    const bad = () => sendError(reply, 400, err.code === 'FST_ERR_BAD_URL' ? 'the path is not valid percent-encoding' : err.message);
    const refuse = () => sendError(reply, 401, 'missing or wrong bearer token');
    if (!role || authorised(req, role, settings)) return bad();
    // No token, or one that does not fit: a signed-in person whose role the path allows is told 400 too.
    if (requestToken(req, role) !== null) return refuse();
    void sessions.fromCookie(req.headers.cookie).then((s) => (s && principalsOf(role).includes(s.role) ? bad() : refuse()), refuse);
  },
});
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
installErrorHandling(app);
app.addHook('onResponse', async (req, reply) => {
  req.log.debug({ method: req.method, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
});

const apiContext: ApiContext = {
  settings,
  runtime: () => (onWarningChanged ? runtime : null),
  startFailed: () => startError !== null,
  onWarningChanged: (w) => onWarningChanged?.(w),
  onSessionsChanged: () => void gateway?.recheckSessions(),
};

async function buildApp(): Promise<void> {
  await app.register(helmet, helmetOptions());
  await registerApi(app, apiContext);
  // Everything else is Next.js's: the raw request and response go to its handler as they are.
  await app.register(async (pages) => {
    // Next reads its own bodies (server actions): Fastify must leave the stream unread.
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('*', (_req, _payload, done) => done(null));
    pages.all('/*', async (req, reply) => {
      if (!nextHandle) {
        return reply.code(503).header('retry-after', '2').type('text/plain; charset=utf-8').send('正在启动… starting');
      }
      // Next takes the script nonce from the request's CSP header while rendering.
      const csp = reply.raw.getHeader('content-security-policy');
      if (typeof csp === 'string') req.raw.headers['content-security-policy'] = csp;
      reply.hijack();
      await nextHandle(req.raw, reply.raw);
    });
  });
}

async function main(): Promise<void> {
  await buildApp();
  // On the socket path from the first moment: a screen reconnecting while the store starts is
  // held until the hub is attached, instead of meeting the pages' 503.
  // What the health finds unreachable rides on the wall's ticks: its 数据中断 banner names the cause.
  let outages: Outage[] = [];
  const watchOutages = setInterval(() => {
    runtime?.health().then((h) => { outages = [...(h.db.ok ? [] : ['store' as const]), ...(h.bus.ok ? [] : ['bus' as const])]; }, () => { outages = ['store']; });
  }, 5000);
  watchOutages.unref();
  gateway = startGateway(app.server, null, { tokens: [settings.WALL_TOKEN, settings.ADMIN_TOKEN], sessions, allowedOrigins: settings.ALLOWED_ORIGINS, outages: () => outages });
  const gw = gateway;
  socketClientsGauge(() => gw.clientCount());
  await app.listen({ port: settings.PORT, host: settings.HOST });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.PORT;
  log(`[web] listening on http://localhost:${port} (${settings.embeddedDb ? 'embedded TimescaleDB' : 'DATABASE_URL'}, ${settings.embeddedBus ? 'in-process bus' : 'Kafka'})`);
  if (settings.HOST === '0.0.0.0' || settings.HOST === '::') {
    log(`[web] HOST=${settings.HOST}: listening on ALL network interfaces, port ${port} (set HOST=127.0.0.1 to keep it to this machine)`);
  }
  for (const d of devDefaultsInUse(settings)) log(`[web] development default in use: ${d} (set it in the environment for production)`);

  runtime = await startRuntime(settings, { consume: settings.ingestInWeb, log });
  await bootstrapAccounts(runtime.db, settings, log);
  const wallHub = await startWallHub({ db: runtime.db, readDb: runtime.readDb, region: runtime.region, tz: settings.TZ_CENTER, deltas: timed(runtime.deltas), log });
  hub = wallHub;
  gw.attach(wallHub);
  const rt = runtime;
  onWarningChanged = (w) => {
    // Through the sink, so that every web instance's screens hear of it.
    rt.deltas.publish({ type: 'warnings', items: [toWallWarning(w)] }).catch((err: Error) => log(`[wall] delta publish failed: ${err.message}`));
    if (w.status === 'acknowledged') rt.warnings?.acknowledge(w.id, w.acknowledgedBy ?? 'admin');
  };
  log(`[web] data plane ready (store: ${runtime.db.kind}/${runtime.db.flavor}, region: ${runtime.region.meta.name}, ${runtime.region.grids.features.length} grids)`);
  if (settings.simulate) {
    // The simulated field obeys the console's dispatches (on the bus: embedded only), and holds
    // the model back from a unit while it works a console order.
    if (runtime.bus) fieldUnits = obeyDispatches({ bus: runtime.bus, publisher: runtime.publisher, region: runtime.region, db: runtime.db, timeScale: settings.SIMULATE_FIELD_SCALE, log });
    const field = fieldUnits;
    simulator = startSimulator({ publisher: runtime.publisher, region: runtime.region, settings, log, ...(field ? { keep: (e) => field.keepModelEvent(e) } : {}) });
    log(`[web] simulator feeding ${runtime.region.meta.name} (seed ${settings.SIMULATE_SEED}, speed ×${settings.SIMULATE_SPEED})`);
  }
  // The rules start after the back-fill is stored, so it counts as their history.
  void (async () => {
    await simulator?.backfilled;
    await runtime.bus?.idle();
    await runtime.startRules();
  })().catch((err: Error) => log(`[rules] start failed: ${err.message}`));

  const pagesApp = next({ dev: false, dir: webDir, hostname: 'localhost', port });
  await pagesApp.prepare();
  const h = pagesApp.getRequestHandler();
  nextHandle = (req, res) => h(req, res);
  log('[web] pages ready');
  if (settings.BRIEFING_WEEKLY) {
    // Rendered through the pages just prepared, on this server's own port.
    archiver = startWeeklyArchive({
      dataDir: settings.DATA_DIR, tz: settings.TZ_CENTER, log,
      generate: async (range) => {
        const figures = await briefingFigures(rt, { ...range, townCode: null });
        const pdf = await briefingExporter(settings).pdf({
          baseUrl: loopbackBaseUrl(settings.HOST, port), token: settings.WALL_TOKEN, query: exportQuery(range.from, range.to, null), tz: settings.TZ_CENTER,
        });
        return { json: Buffer.from(`${JSON.stringify(figures, null, 2)}\n`), pdf };
      },
    });
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`[web] ${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  void app.close();
  app.server.closeAllConnections();
  fieldUnits?.stop();
  archiver?.stop();
  await closeBriefingExporter();
  await closeVideoJobs();
  await simulator?.stop();
  await hub?.stop();
  await gateway?.close().catch(() => undefined);
  await runtime?.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/** The sink as the hub hears it, timing each delta from its arrival here to its emit to the sockets, for /metrics. */
function timed(sink: DeltaSink): DeltaSink {
  return {
    publish: (body) => sink.publish(body),
    subscribe: (onBody) => sink.subscribe((body) => {
      const end = deltaLatency.startTimer();
      onBody(body);
      end();
    }),
  };
}

main().catch((err: Error) => {
  startError = err.message;
  log(`[web] start failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
  void shutdown('start failure');
});
