/**
 * The benchmark's "direct" feed: the page is served through a small proxy in the benchmark
 * process, which forwards every HTTP request (pages, assets, /api/…) to the real server but
 * answers the wall's socket.io itself, with the gateway's protocol (web/src/server/live/
 * gateway.ts, config/src/wall/protocol.ts): `hello` → `snapshot` (or the missed `deltas`),
 * live `delta`s, a versioned `tick` every 5 s, `upgrade` to a client of another version. The snapshot is the real server's (taken after the back-fill); the deltas are built
 * from the load's events by the server's own code (ingest `enrich`, then `toWallDelta`), and
 * numbered on from the snapshot's sequence, the state kept with the shared reducer.
 *
 * Why: on this shared 2-core machine the embedded server, next to a software-rendering
 * browser, cannot always keep 100 single-event ingest transactions a second, and then the
 * page sees stalls and fall-back snapshots instead of 100 deltas/s. The page cannot tell the
 * difference (a real WebSocket, the same messages), and the rate it gets is exact.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import type { AnyEvent, Topic } from '@watchfloor/config/contracts';
import { buildGridIndex } from '@watchfloor/config/region';
import { Hello, WALL_EVENTS, WALL_PROTOCOL_VERSION, apply, prune, type Tick, type WallDelta, type WallDeltaBody, type WallState } from '@watchfloor/config/wall';
import { enrich } from '@watchfloor/ingest/pipeline/enrich';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { StoredBatch } from '@watchfloor/ingest/records';
import { toWallDelta } from '@watchfloor/ingest/live/wall-deltas';
import type { SyntheticRegion } from './synthetic-region';

/** The real server's wall state, as a new screen gets it. */
export function fetchSnapshot(url: string, token: string, timeoutMs = 30_000): Promise<WallState> {
  return new Promise((resolve, reject) => {
    const s = ioClient(url, { auth: { token }, query: { token }, transports: ['websocket'], reconnection: false });
    const t = setTimeout(() => { s.close(); reject(new Error('no snapshot from the server')); }, timeoutMs);
    s.on('connect', () => s.emit('hello', {}));
    s.on('connect_error', (e: Error) => { clearTimeout(t); s.close(); reject(e); });
    s.on('snapshot', (st: WallState) => { clearTimeout(t); s.close(); resolve(st); });
  });
}

export interface DirectFeed {
  /** Origin to open the wall at. */
  url: string;
  /** Turns one event into its wall delta, numbers it, and sends it to every screen. */
  publish(topic: Topic, event: unknown): void;
  stats(): { seq: number; emitted: number; clients: number; snapshots: number; resumes: number; proxied: number };
  close(): Promise<void>;
}

export async function startDirectFeed(opts: { upstream: string; tokens: string[]; snapshot: WallState; sr: SyntheticRegion; tz: string }): Promise<DirectFeed> {
  const up = new URL(opts.upstream);
  let proxied = 0;
  const server = http.createServer((req, res) => {
    proxied++;
    const p = http.request({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    p.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(p);
  });
  // As the real gateway: same path, ping timings and compression threshold.
  const io = new Server(server, { path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 10_000, pingTimeout: 8_000, perMessageDeflate: { threshold: 4096 } });
  const ctx = { region: opts.sr.region, grids: buildGridIndex(opts.sr.region.grids), phones: phoneProtector('bench-phone-key-0123456789abcdef') };
  let state = opts.snapshot;
  const log: WallDelta[] = [];
  const ready = new Set<string>();
  let emitted = 0;
  let snapshots = 0;
  let resumes = 0;

  io.use((socket, next) => {
    const t = socket.handshake.auth?.token;
    if (typeof t === 'string' && opts.tokens.includes(t)) next();
    else next(new Error('unauthorized'));
  });
  io.on('connection', (socket) => {
    socket.on(WALL_EVENTS.hello, (msg: unknown) => {
      const h = Hello.safeParse(msg ?? {});
      if (!h.success) return;
      const m = h.data;
      if (m.v !== WALL_PROTOCOL_VERSION) {
        socket.emit(WALL_EVENTS.upgrade, { v: WALL_PROTOCOL_VERSION });
        return;
      }
      if (m.epoch === state.epoch && m.seq !== undefined && log.length && m.seq >= log[0]!.seq - 1) {
        const from = m.seq;
        const missed = log.filter((d) => d.seq > from);
        resumes++;
        ready.add(socket.id);
        if (missed.length) socket.emit(WALL_EVENTS.deltas, missed);
        return;
      }
      snapshots++;
      state = prune(state, Date.now());
      ready.add(socket.id);
      socket.emit(WALL_EVENTS.snapshot, state);
    });
    socket.on('disconnect', () => ready.delete(socket.id));
  });

  const emit = (body: WallDeltaBody) => {
    const d = { ...body, seq: state.seq + 1, at: Date.now() } as WallDelta;
    state = apply(state, d, opts.tz);
    log.push(d);
    if (log.length > 10_000) log.splice(0, log.length - 10_000);
    emitted++;
    for (const id of ready) io.sockets.sockets.get(id)?.emit(WALL_EVENTS.delta, d);
  };
  // The server's periodic figures refresh (every 30 s): here the figures as the reducer has them.
  const figures = setInterval(() => emit({ type: 'figures', figures: state.figures }), 30_000);
  // A tick without the protocol version makes the wall reload itself (it takes it for an upgraded server).
  const tick = setInterval(() => {
    state = prune(state, Date.now());
    const t: Tick = { v: WALL_PROTOCOL_VERSION, at: Date.now(), seq: state.seq, epoch: state.epoch };
    io.emit(WALL_EVENTS.tick, t);
  }, 5000);

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    publish(topic, event) {
      const e = enrich(ctx, { topic, value: event } as AnyEvent);
      if (!e.ok) throw new Error(`enrich ${topic}: ${e.reason}`);
      emit(toWallDelta({ topic, records: [e.record], source: 'http' } as StoredBatch));
    },
    stats: () => ({ seq: state.seq, emitted, clients: io.sockets.sockets.size, snapshots, resumes, proxied }),
    async close() {
      clearInterval(figures);
      clearInterval(tick);
      io.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
