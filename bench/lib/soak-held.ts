/**
 * What the server's wall state holds now, asked as a screen asks (a socket, a hello, the
 * snapshot), on a fresh connection each time, so every sample also opens and closes a socket
 * (per-socket state that is never freed would show as RSS growth).
 *
 * It explains growth that is no leak: the wall keeps incidents of the last 24 h and alerts of the
 * last hour by the server's clock, while the simulator at ×S stamps its events (S − 1) × elapsed
 * ahead of it, so at S > 1 those windows hold ever more simulated hours until their caps
 * (MAX_INCIDENTS, MAX_ALERTS), on the server and in the page alike.
 */
import { io } from 'socket.io-client';
import { WALL_EVENTS, WALL_PROTOCOL_VERSION, type WallState } from '@watchfloor/config/wall';

export interface Held {
  incidents: number;
  alerts: number;
  openCases: number;
  units: number;
  warnings: number;
  /** The hub's delta sequence: deltas emitted since the server started. */
  seq: number;
  /** The snapshot's size as JSON, kB. */
  snapshotKB: number;
}

export async function heldState(url: string, token: string, timeoutMs = 30_000): Promise<Held> {
  const socket = io(url, { auth: { token }, query: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    const s = await new Promise<WallState>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no wall snapshot within ${timeoutMs} ms`)), timeoutMs);
      socket.on('connect', () => socket.emit(WALL_EVENTS.hello, { v: WALL_PROTOCOL_VERSION }));
      socket.on('connect_error', (err: Error) => { clearTimeout(timer); reject(err); });
      socket.on(WALL_EVENTS.snapshot, (snap: WallState) => { clearTimeout(timer); resolve(snap); });
    });
    return {
      incidents: s.incidents.length, alerts: s.alerts.length, openCases: Object.keys(s.cases).length,
      units: Object.keys(s.units).length, warnings: Object.keys(s.warnings).length, seq: s.seq,
      snapshotKB: Buffer.byteLength(JSON.stringify(s)) / 1024,
    };
  } finally {
    socket.close();
  }
}
