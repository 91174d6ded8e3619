/**
 * A socket.io client in the benchmark's own process, next to the browser: it shows whether
 * the server delivered the deltas at the rate (so a page that falls behind is the page's
 * doing, not the server's). It keeps no state: it counts deltas and notes gaps.
 */
import { io, type Socket } from 'socket.io-client';

export interface ReferenceCounts { deltas: number; snapshots: number; ticks: number; disconnects: number; reasons: string[]; maxGapMs: number; gapsOver1s: number }

export function referenceClient(url: string, token: string) {
  const c: ReferenceCounts = { deltas: 0, snapshots: 0, ticks: 0, disconnects: 0, reasons: [], maxGapMs: 0, gapsOver1s: 0 };
  let last = 0;
  const seen = () => {
    const now = performance.now();
    if (last) {
      const gap = now - last;
      if (gap > c.maxGapMs) c.maxGapMs = gap;
      if (gap > 1000) c.gapsOver1s++;
    }
    last = now;
  };
  const s: Socket = io(url, { auth: { token }, query: { token }, transports: ['websocket'] });
  s.on('connect', () => s.emit('hello', {}));
  s.on('delta', () => { c.deltas++; seen(); });
  s.on('deltas', (d: unknown[]) => { c.deltas += d.length; seen(); });
  s.on('snapshot', () => { c.snapshots++; });
  s.on('tick', () => { c.ticks++; seen(); });
  s.on('disconnect', (reason: string) => { c.disconnects++; c.reasons.push(`${Math.round(performance.now())}: ${reason}`); });
  return {
    counts: (): ReferenceCounts => ({ ...c, reasons: [...c.reasons] }),
    /** Restarts gap tracking (e.g. when the load starts). */
    resetGaps() { c.maxGapMs = 0; c.gapsOver1s = 0; last = 0; },
    close() { s.close(); },
  };
}
