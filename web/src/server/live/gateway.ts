/**
 * socket.io gateway for the wall; the protocol is config/src/wall/protocol.ts.
 * A client whose socket buffer grows past a bound stops receiving deltas and gets one
 * fresh snapshot once its buffer drains: a slow screen costs the server bounded memory.
 * Hellos are answered at most once per HELLO_MIN_INTERVAL_MS per socket (the latest wins),
 * and never while an earlier answer still sits unsent in the socket's buffers: a client that
 * spams hello gets one snapshot at a time, not a queue of them.
 * It can be attached to the HTTP server before the hub exists (the server listens while its
 * store starts): sockets connect and say hello as usual, and their hellos are answered once
 * the hub is attached. Before, a reconnecting screen could land on the pages' 503 instead.
 */
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { HELLO_MIN_INTERVAL_MS, Hello, WALL_EVENTS, WALL_PROTOCOL_VERSION, type Tick, type WallDelta } from '@watchfloor/config/wall';
import { bearerToken, queryToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import type { WallHub } from './wall-hub';

export interface GatewayOptions {
  tokens: readonly string[];
  /** Origins a browser may connect from besides the server's own (same host as the request). */
  allowedOrigins?: readonly string[];
  /** Packets queued for one client before it is dropped to snapshot mode. */
  maxBufferedPackets?: number;
  tickMs?: number;
}

interface ClientState {
  ready: boolean;
  lagging: boolean;
  /** The latest hello not answered yet. */
  pending: Hello | null;
  lastAnswerAt: number;
  timer: NodeJS.Timeout | null;
}

/**
 * What a socket has not yet handed to the network: packets in engine.io's write buffer and,
 * on websocket, bytes in the ws socket's own. Both are private fields (engine.io keeps no cap
 * and offers no measure), read defensively so a library change degrades to "nothing pending".
 */
function unsent(socket: Socket): { packets: number; bytes: number } {
  const conn: unknown = socket.conn;
  const field = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined);
  const buf = field(conn, 'writeBuffer');
  const bytes = field(field(field(conn, 'transport'), 'socket'), 'bufferedAmount');
  return { packets: Array.isArray(buf) ? buf.length : 0, bytes: typeof bytes === 'number' ? bytes : 0 };
}

/** More than live deltas leave behind between two flushes: an earlier snapshot is still on its way. */
function stillSending(socket: Socket): boolean {
  const u = unsent(socket);
  return u.packets > 16 || u.bytes > 256 * 1024;
}

/**
 * A browser always names the page's origin: it must be this server's own (the request's
 * Host) or one configured. Clients that send no Origin (not a browser) are judged by token alone.
 */
function originAllowed(req: http.IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Screens that are up to date: a delta is encoded once for the whole room, not once per socket. */
const LIVE = 'live';

export function startGateway(server: http.Server, initialHub: WallHub | null, opts: GatewayOptions) {
  let hub: WallHub | null = null;
  const io = new Server(server, {
    path: '/socket.io',
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Deltas stay uncompressed (walls sit on the LAN; compressing each one for every socket
    // doubled emit→receipt in bench:latency); snapshots, which are large, are compressed.
    perMessageDeflate: { threshold: 64 * 1024 },
    // Checked before engine.io opens any session (polling or websocket): no token, no session.
    allowRequest: (req, callback) => {
      if (!originAllowed(req, opts.allowedOrigins ?? [])) return callback('origin not allowed', false);
      // A browser's websocket cannot send headers: the page passes its token as `?token=`.
      const ok = tokenIn(bearerToken(req.headers) ?? queryToken(req.url), opts.tokens);
      callback(ok ? null : 'unauthorized', ok);
    },
  });
  const maxBuffered = opts.maxBufferedPackets ?? 500;
  const clients = new Map<Socket, ClientState>();

  io.use((socket, next) => {
    const t: unknown = socket.handshake.auth?.token ?? socket.handshake.query?.token;
    if (typeof t === 'string' && tokenIn(t, opts.tokens)) next();
    else next(new Error('unauthorized'));
  });

  const sendSnapshot = (socket: Socket, st: ClientState, hub: WallHub) => {
    st.lagging = false;
    st.ready = true;
    socket.emit(WALL_EVENTS.snapshot, hub.snapshot());
    void socket.join(LIVE);
  };

  const answer = (socket: Socket, st: ClientState, m: Hello, hub: WallHub) => {
    if (m.epoch === hub.epoch && m.seq !== undefined) {
      const missed = hub.since(m.seq);
      if (missed) {
        st.ready = true;
        if (missed.length) socket.emit(WALL_EVENTS.deltas, missed);
        void socket.join(LIVE);
        return;
      }
    }
    sendSnapshot(socket, st, hub);
  };

  /** Answers the pending hello as soon as the interval has passed and the socket has sent what it had. */
  const serveHello = (socket: Socket, st: ClientState) => {
    // Without a hub the hello waits: attach() serves every pending one.
    if (st.timer || !st.pending || !socket.connected || !hub) return;
    const wait = Math.max(st.lastAnswerAt + HELLO_MIN_INTERVAL_MS - Date.now(), stillSending(socket) ? 100 : 0);
    if (wait > 0) {
      st.timer = setTimeout(() => { st.timer = null; serveHello(socket, st); }, wait);
      return;
    }
    const m = st.pending;
    st.pending = null;
    st.lastAnswerAt = Date.now();
    answer(socket, st, m, hub);
  };

  io.on('connection', (socket) => {
    const st: ClientState = { ready: false, lagging: false, pending: null, lastAnswerAt: 0, timer: null };
    clients.set(socket, st);
    socket.on(WALL_EVENTS.hello, (msg: unknown) => {
      const m = Hello.safeParse(msg ?? {});
      if (!m.success) return; // nothing to answer; the client's next hello may be well-formed
      if (m.data.v !== WALL_PROTOCOL_VERSION) {
        socket.emit(WALL_EVENTS.upgrade, { v: WALL_PROTOCOL_VERSION });
        return;
      }
      st.pending = m.data;
      serveHello(socket, st);
    });
    socket.conn.on('drain', () => {
      if (st.lagging && hub) sendSnapshot(socket, st, hub);
    });
    socket.on('disconnect', () => {
      if (st.timer) clearTimeout(st.timer);
      clients.delete(socket);
    });
  });

  let off: (() => void) | null = null;
  const attach = (h: WallHub) => {
    if (hub) throw new Error('the gateway has a hub already');
    hub = h;
    off = h.onDelta((d: WallDelta) => {
      for (const [socket, st] of clients) {
        if (!st.ready || st.lagging) continue;
        if (unsent(socket).packets > maxBuffered) {
          st.lagging = true;
          void socket.leave(LIVE);
        }
      }
      io.to(LIVE).emit(WALL_EVENTS.delta, d);
    });
    for (const [socket, st] of clients) serveHello(socket, st);
  };
  if (initialHub) attach(initialHub);

  const tick = setInterval(() => {
    if (!hub) return;
    const snap = hub.snapshot();
    const tick: Tick = { v: WALL_PROTOCOL_VERSION, at: Date.now(), seq: snap.seq, epoch: hub.epoch };
    io.emit(WALL_EVENTS.tick, tick);
  }, opts.tickMs ?? 5000);
  tick.unref();

  return {
    io,
    clientCount: () => clients.size,
    attach,
    async close() {
      clearInterval(tick);
      off?.();
      await io.close();
    },
  };
}
