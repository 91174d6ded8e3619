/**
 * The web process: one HTTP port serving the API (ahead of Next.js) and the Next.js
 * pages. In the embedded default it also hosts the data plane (PGlite, in-process bus,
 * simulator), so `npm start` is the whole system. It listens at once and answers
 * /api/health with 503 until the store and bus are ready, so a supervisor can tell
 * "starting" from "down".
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { devDefaultsInUse, loadSettings } from '@watchfloor/config/settings';
import { startRuntime, type Runtime } from '@watchfloor/ingest/runtime';
import { startSimulator, type Simulator } from '@watchfloor/ingest/simulator/simulator';
import { createApi } from './src/server/api/router';
import { startGateway } from './src/server/live/gateway';
import { startWallHub, toWallWarning, type WallHub } from './src/server/live/wall-hub';
import { sendJson } from './src/server/api/http';

const log = (l: string) => console.log(`${new Date().toISOString()} ${l}`);
const settings = loadSettings();
const webDir = path.dirname(fileURLToPath(import.meta.url));

let runtime: Runtime | null = null;
let simulator: Simulator | null = null;
let hub: WallHub | null = null;
let gateway: ReturnType<typeof startGateway> | null = null;
let api: ReturnType<typeof createApi> | null = null;
let nextHandle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
let startError: string | null = null;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  void (async () => {
    if (url.pathname.startsWith('/api/')) {
      if (!api) return sendJson(res, 503, { status: startError ? 'failed' : 'starting', failing: [startError ?? 'starting'] });
      await api(req, res, url);
      return;
    }
    if (!nextHandle) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '2' });
      res.end('正在启动… starting');
      return;
    }
    await nextHandle(req, res);
  })().catch((err: Error) => {
    log(`[web] ${req.method} ${url.pathname}: ${err.message}`);
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
  });
});

async function main(): Promise<void> {
  await new Promise<void>((resolve) => server.listen(settings.PORT, settings.HOST, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.PORT;
  log(`[web] listening on http://localhost:${port} (${settings.embeddedDb ? 'embedded TimescaleDB' : 'DATABASE_URL'}, ${settings.embeddedBus ? 'in-process bus' : 'Kafka'})`);
  for (const d of devDefaultsInUse(settings)) log(`[web] development default in use: ${d} (set it in the environment for production)`);

  runtime = await startRuntime(settings, { consume: settings.ingestInWeb, log });
  const wallHub = await startWallHub({ db: runtime.db, region: runtime.region, tz: settings.TZ_CENTER, deltas: runtime.deltas, log });
  hub = wallHub;
  gateway = startGateway(server, wallHub, { tokens: [settings.WALL_TOKEN, settings.ADMIN_TOKEN] });
  const rt = runtime;
  api = createApi(runtime, log, {
    onWarningChanged: (w) => {
      // Through the sink, so that every web instance's screens hear of it.
      rt.deltas.publish({ type: 'warnings', items: [toWallWarning(w)] }).catch((err: Error) => log(`[wall] delta publish failed: ${err.message}`));
      if (w.status === 'acknowledged') rt.warnings?.acknowledge(w.id, w.acknowledgedBy ?? 'admin');
    },
  });
  log(`[web] data plane ready (store: ${runtime.db.kind}/${runtime.db.flavor}, region: ${runtime.region.meta.name}, ${runtime.region.grids.features.length} grids)`);
  if (settings.simulate) {
    simulator = startSimulator({ publisher: runtime.publisher, region: runtime.region, settings, log });
    log(`[web] simulator feeding ${runtime.region.meta.name} (seed ${settings.SIMULATE_SEED}, speed ×${settings.SIMULATE_SPEED})`);
  }
  // The rules start after the back-fill is stored, so it counts as their history.
  void (async () => {
    await simulator?.backfilled;
    await runtime.bus?.idle();
    await runtime.startRules();
  })().catch((err: Error) => log(`[rules] start failed: ${err.message}`));

  const app = next({ dev: false, dir: webDir, hostname: 'localhost', port });
  await app.prepare();
  const h = app.getRequestHandler();
  nextHandle = (req, res) => h(req, res);
  log('[web] pages ready');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`[web] ${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  server.close();
  server.closeAllConnections();
  await simulator?.stop();
  await hub?.stop();
  await gateway?.close().catch(() => undefined);
  await runtime?.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

main().catch((err: Error) => {
  startError = err.message;
  log(`[web] start failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
  void shutdown('start failure');
});
