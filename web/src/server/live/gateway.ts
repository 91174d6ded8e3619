/**
 * socket.io gateway for the wall. Protocol:
 *   client → `hello` { epoch?, seq? }       (on every (re)connect)
 *   server → `snapshot` WallState            (when it cannot resume, or on request)
 *   server → `deltas` WallDelta[]            (what was missed, in order)
 *   server → `delta` WallDelta               (live, in order)
 *   server → `tick` { at, seq, epoch }       (every 5 s: lets a screen tell "quiet" from "cut off")
 * A client whose socket buffer grows past a bound stops receiving deltas and gets one
 * fresh snapshot once its buffer drains: a slow screen costs the server bounded memory.
 */
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { bearerToken, queryToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import type { WallDelta } from '@watchfloor/config/wall';
import type { WallHub } from './wall-hub';

export interface GatewayOptions {
  tokens: readonly string[];
  /** Origins a browser may connect from besides the server's own (same host as the request). */
  allowedOrigins?: readonly string[];
  /** Packets queued for one client before it is dropped to snapshot mode. */
  maxBufferedPackets?: number;
  tickMs?: number;
}

interface ClientState { ready: boolean; lagging: boolean }

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

export function startGateway(server: http.Server, hub: WallHub, opts: GatewayOptions) {
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

  const sendSnapshot = (socket: Socket, st: ClientState) => {
    st.lagging = false;
    st.ready = true;
    socket.emit('snapshot', hub.snapshot());
    void socket.join(LIVE);
  };

  io.on('connection', (socket) => {
    const st: ClientState = { ready: false, lagging: false };
    clients.set(socket, st);
    socket.on('hello', (msg: unknown) => {
      const m = (msg ?? {}) as { epoch?: unknown; seq?: unknown };
      if (m.epoch === hub.epoch && typeof m.seq === 'number') {
        const missed = hub.since(m.seq);
        if (missed) {
          st.ready = true;
          if (missed.length) socket.emit('deltas', missed);
          void socket.join(LIVE);
          return;
        }
      }
      sendSnapshot(socket, st);
    });
    socket.conn.on('drain', () => {
      if (st.lagging) sendSnapshot(socket, st);
    });
    socket.on('disconnect', () => clients.delete(socket));
  });

  const off = hub.onDelta((d: WallDelta) => {
    for (const [socket, st] of clients) {
      if (!st.ready || st.lagging) continue;
      // engine.io keeps no cap on this queue (it is private API, but the only measure there is).
      if ((socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length > maxBuffered) {
        st.lagging = true;
        void socket.leave(LIVE);
      }
    }
    io.to(LIVE).emit('delta', d);
  });

  const tick = setInterval(() => {
    const snap = hub.snapshot();
    io.emit('tick', { at: Date.now(), seq: snap.seq, epoch: hub.epoch });
  }, opts.tickMs ?? 5000);
  tick.unref();

  return {
    io,
    clientCount: () => clients.size,
    async close() {
      clearInterval(tick);
      off();
      await io.close();
    },
  };
}
