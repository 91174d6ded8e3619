'use client';
/**
 * The browser end of the live path: snapshot, then deltas applied in sequence through the
 * shared reducer. A gap or a new server epoch makes it ask again (hello with its seq);
 * bursts are coalesced into one render per animation frame. It also tracks when the server
 * was last heard from, which is what the stale banner is about.
 */
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { type Outage, WALL_EVENTS, WALL_PROTOCOL_VERSION, apply, prune, type Hello, type Tick, type WallDelta, type WallState } from '@watchfloor/config/wall';

export interface WallFeed {
  state: WallState | null;
  connected: boolean;
  /** ms timestamp of the last message from the server (tick, delta or snapshot). */
  lastContact: number;
  error: string | null;
  /** What the server said it cannot reach, on its last tick. */
  down: readonly Outage[];
}

/** `token`: the wall's read token; null on a signed-in page, where the session cookie goes along with the handshake. */
export function useWallFeed(token: string | null, tz: string): WallFeed {
  const [feed, setFeed] = useState<WallFeed>(() => ({ state: null, connected: false, lastContact: Date.now(), error: null, down: [] }));
  const stateRef = useRef<WallState | null>(null);

  useEffect(() => {
    let frame = 0;
    let connected = false;
    let lastContact = Date.now();
    let error: string | null = null;
    let down: readonly Outage[] = [];
    const render = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setFeed({ state: stateRef.current, connected, lastContact, error, down });
      });
    };
    // The token rides in the query as well: the server refuses the engine.io handshake itself without one.
    const socket: Socket = io({ ...(token !== null ? { auth: { token }, query: { token } } : {}), transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
    const hello = () => {
      const s = stateRef.current;
      const h: Hello = s ? { v: WALL_PROTOCOL_VERSION, epoch: s.epoch, seq: s.seq } : { v: WALL_PROTOCOL_VERSION };
      socket.emit(WALL_EVENTS.hello, h);
    };
    const take = (d: WallDelta) => {
      const s = stateRef.current;
      if (!s || d.seq <= s.seq) return;
      if (d.seq !== s.seq + 1) {
        hello(); // a gap: ask for what is missing instead of applying out of order
        return;
      }
      stateRef.current = apply(s, d, tz);
    };
    socket.on('connect', () => { connected = true; error = null; lastContact = Date.now(); hello(); render(); });
    socket.on('disconnect', () => { connected = false; render(); });
    socket.on('connect_error', (e: Error) => { error = e.message; render(); });
    // The server was upgraded under this page: only a reload brings code that reads it right.
    socket.on(WALL_EVENTS.upgrade, () => window.location.reload());
    socket.on(WALL_EVENTS.snapshot, (s: WallState) => { stateRef.current = s; lastContact = Date.now(); render(); });
    socket.on(WALL_EVENTS.delta, (d: WallDelta) => { take(d); lastContact = Date.now(); render(); });
    socket.on(WALL_EVENTS.deltas, (ds: WallDelta[]) => { ds.forEach(take); lastContact = Date.now(); render(); });
    socket.on(WALL_EVENTS.tick, (t: Tick) => {
      lastContact = Date.now();
      down = t.down ?? [];
      if (t.v !== WALL_PROTOCOL_VERSION) {
        window.location.reload();
        return;
      }
      const s = stateRef.current;
      if (!s || t.epoch !== s.epoch || t.seq > s.seq + 50) hello();
      render();
    });
    // Windows slide even when nothing arrives.
    const pruneTimer = setInterval(() => {
      if (stateRef.current) stateRef.current = prune(stateRef.current, Date.now());
      render();
    }, 1000);
    return () => {
      clearInterval(pruneTimer);
      if (frame) cancelAnimationFrame(frame);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token, tz]);

  return feed;
}
