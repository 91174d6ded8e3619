/**
 * A wall screen behind a reverse proxy with several web processes: it is given every web URL
 * (what the proxy would route to) and, when its socket to one is lost, connects to the next as
 * the proxy would send it on. Otherwise it behaves as the browser's feed does
 * (web/src/wall/use-wall-feed.ts): hello with its epoch and seq on every connect, a gap or a
 * tick from another epoch asks again, the snapshot replaces its state, deltas go through the
 * shared reducer in sequence.
 */
import { io, type Socket } from 'socket.io-client';
import { WALL_EVENTS, WALL_PROTOCOL_VERSION, apply, type Hello, type Tick, type WallDelta, type WallState } from '@watchfloor/config/wall';

export interface ScreenCounters {
  snapshots: number;
  /** Connections made after the first (to whichever web process). */
  reconnects: number;
  gaps: number;
}

export interface FailoverScreen {
  state(): WallState | null;
  /** Index of the URL the screen is connected to now (null while between two). */
  connectedTo(): number | null;
  counters: ScreenCounters;
  close(): void;
}

export function failoverScreen(urls: readonly string[], token: string, opts: { first?: number; tz?: string; retryMs?: number; onDelta?: (d: WallDelta) => void } = {}): FailoverScreen {
  const tz = opts.tz ?? 'Asia/Shanghai';
  let state: WallState | null = null;
  let at = opts.first ?? 0;
  let socket: Socket | null = null;
  let connected: number | null = null;
  let closed = false;
  let connects = 0;
  const counters: ScreenCounters = { snapshots: 0, reconnects: 0, gaps: 0 };

  const hello = (s: Socket) => {
    const h: Hello = state ? { v: WALL_PROTOCOL_VERSION, epoch: state.epoch, seq: state.seq } : { v: WALL_PROTOCOL_VERSION };
    s.emit(WALL_EVENTS.hello, h);
  };
  const take = (s: Socket, d: WallDelta) => {
    if (!state || d.seq <= state.seq) return;
    if (d.seq !== state.seq + 1) {
      counters.gaps++;
      hello(s);
      return;
    }
    state = apply(state, d, tz);
    opts.onDelta?.(d);
  };

  const open = () => {
    if (closed) return;
    const url = urls[at % urls.length]!;
    // One socket per attempt, no built-in reconnection: the "proxy" decides where the next goes.
    const s = io(url, { auth: { token }, query: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
    socket = s;
    let failedOver = false;
    const next = () => {
      if (failedOver) return;
      failedOver = true;
      connected = null;
      s.removeAllListeners();
      s.close();
      at++;
      if (!closed) setTimeout(open, opts.retryMs ?? 300);
    };
    s.on('connect', () => {
      if (connects++ > 0) counters.reconnects++;
      connected = at % urls.length;
      hello(s);
    });
    s.on('connect_error', next);
    s.on('disconnect', next);
    s.on(WALL_EVENTS.snapshot, (snap: WallState) => { counters.snapshots++; state = snap; });
    s.on(WALL_EVENTS.delta, (d: WallDelta) => take(s, d));
    s.on(WALL_EVENTS.deltas, (ds: WallDelta[]) => ds.forEach((d) => take(s, d)));
    s.on(WALL_EVENTS.tick, (t: Tick) => {
      if (!state || t.epoch !== state.epoch || t.seq > state.seq + 50) hello(s);
    });
  };
  open();

  return {
    state: () => state,
    connectedTo: () => connected,
    counters,
    close() {
      closed = true;
      socket?.removeAllListeners();
      socket?.close();
    },
  };
}
