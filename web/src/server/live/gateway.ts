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
import { HELLO_MIN_INTERVAL_MS, Hello, WALL_EVENTS, WALL_PROTOCOL_VERSION, type Outage, type Tick, type WallDelta } from '@watchfloor/config/wall';
import { bearerToken, queryToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import type { WallHub } from './wall-hub';
import type { SocketSessions } from '../auth/socket-sessions';

export interface GatewayOptions {
  tokens: readonly string[];
  /**
   * Signed-in people (the console): a live session named by the handshake's cookie is let in
   * as a token is. Without it, tokens only.
   */
  sessions?: SocketSessions;
  /** How often an open session socket's session is checked again (expiry, revocation). */
  sessionRecheckMs?: number;
  /** Origins a browser may connect from besides the server's own (same host as the request). */
  allowedOrigins?: readonly string[];
  /** Packets queued for one client before it is dropped to snapshot mode. */
  maxBufferedPackets?: number;
  tickMs?: number;
  /** What the server cannot reach now, sent with every tick (the wall's 数据中断 with its reason). */
  outages?: () => readonly Outage[];
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
      const token = bearerToken(req.headers) ?? queryToken(req.url);
      // A token that does not fit is refused whatever cookie came along (as on the API).
      if (token !== null || !opts.sessions) {
        const ok = tokenIn(token, opts.tokens);
        return callback(ok ? null : 'unauthorized', ok);
      }
      opts.sessions.fromCookie(req.headers.cookie).then(
        (s) => callback(s ? null : 'unauthorized', s !== null),
        () => callback('unauthorized', false),
      );
    },
  });
  const maxBuffered = opts.maxBufferedPackets ?? 500;
  const clients = new Map<Socket, ClientState>();

  /** The session each signed-in socket stands for (token sockets have none). */
  const sessionOf = new Map<Socket, string>();
  const admitted = new WeakMap<Socket, string>();

  io.use((socket, next) => {
    const t: unknown = socket.handshake.auth?.token ?? socket.handshake.query?.token;
    if (t !== undefined || !opts.sessions) {
      if (typeof t === 'string' && tokenIn(t, opts.tokens)) next();
      else next(new Error('unauthorized'));
      return;
    }
    opts.sessions.fromCookie(socket.handshake.headers.cookie).then((s) => {
      if (!s) return next(new Error('unauthorized'));
      // Kept with the socket until it connects: a handshake that fails leaves nothing behind.
      admitted.set(socket, s.key);
      next();
    }, () => next(new Error('unauthorized')));
  });

  /** Disconnects every session socket whose session has ended (expired, revoked, signed out). */
  let rechecking: Promise<void> | null = null;
  const recheckSessions = (): Promise<void> => {
    if (!opts.sessions) return Promise.resolve();
    const sessions = opts.sessions;
    rechecking ??= (async () => {
      const byKey = new Map<string, Socket[]>();
      for (const [socket, key] of sessionOf) byKey.set(key, [...(byKey.get(key) ?? []), socket]);
      for (const [key, sockets] of byKey) {
        const live = await sessions.alive(key).catch(() => true);
        if (!live) for (const socket of sockets) socket.disconnect(true);
      }
    })().finally(() => { rechecking = null; });
    return rechecking;
  };
  const recheck = setInterval(() => void recheckSessions(), opts.sessionRecheckMs ?? 30_000);
  recheck.unref();

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
    const sessionKey = admitted.get(socket);
    if (sessionKey !== undefined) sessionOf.set(socket, sessionKey);
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
      sessionOf.delete(socket);
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
    const down = opts.outages?.() ?? [];
    const tick: Tick = { v: WALL_PROTOCOL_VERSION, at: Date.now(), seq: snap.seq, epoch: hub.epoch, ...(down.length ? { down: [...down] } : {}) };
    io.emit(WALL_EVENTS.tick, tick);
  }, opts.tickMs ?? 5000);
  tick.unref();

  return {
    io,
    clientCount: () => clients.size,
    attach,
    /** A session may have ended (sign-out, revocation, an account change): check the open ones now. */
    recheckSessions,
    async close() {
      clearInterval(tick);
      clearInterval(recheck);
      off?.();
      await io.close();
    },
  };
}
