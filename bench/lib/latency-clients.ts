/**
 * Worker thread of `bench/latency.ts`: the wall screens. Connects N socket.io clients the way
 * the wall does (websocket, `hello` {}, snapshot, then live `delta`s), and for every call id
 * in a `calls` delta records, per client, the receipt time on the clock the producer uses
 * (`performance.timeOrigin + performance.now()`, the same clock in every thread of a process).
 * It also checks what the wall relies on: sequence numbers without gaps, no id twice, no
 * fall-back snapshot (the gateway's "lagging" path) and no disconnects.
 *
 * Call ids are `<prefix><n>` with n = 0, 1, 2, … so receipts go in flat typed arrays.
 *
 * Messages in:  { type: 'measure' }         warm-up is over: restart the event-loop-delay histogram
 *               { type: 'expect', total }   the producer is done: say 'drained' once every
 *                                           client has all `total` ids
 *               { type: 'stop' }            disconnect, then reply 'result' (buffers transferred)
 * Messages out: { type: 'ready' }, { type: 'drained' }, { type: 'result', ... }, { type: 'error', message }
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import type { WallDelta, WallState } from '@watchfloor/config/wall';

export interface ClientsInput {
  /** Web processes: client c connects to urls[c % urls.length] (a reverse proxy spreading screens over them). */
  urls: readonly string[]; token: string; clients: number; idPrefix: string; capacity: number;
  /** Offer permessage-deflate, as browsers and socket.io-client do by default (false only to measure its cost). */
  deflate: boolean;
}

export interface ClientCounters {
  received: number; duplicates: number; seqGaps: number; snapshots: number; resumeBatches: number;
  disconnects: number; foreignIds: number; callDeltas: number;
  /** Why the server's side went away, by socket.io's reason ('ping timeout', 'transport close', …). */
  disconnectReasons: Record<string, number>;
}

export interface ClientsResult {
  type: 'result';
  /** Per client: receipt time of call n (NaN if never received). */
  receipts: Float64Array[];
  /** Server time (`delta.at`, ms) at which the delta carrying call n was numbered, as seen by client 0. */
  emittedAt: Float64Array;
  counters: ClientCounters[];
  /** Server times (`delta.at`) of the `figures` deltas client 0 saw: the hub's periodic database refresh. */
  figuresAt: number[];
  /** Event-loop delay of this thread while measuring, ms. */
  loopDelay: { p50: number; p99: number; max: number };
}

const { urls, token, clients: nClients, idPrefix, capacity, deflate } = workerData as ClientsInput;
const port = parentPort!;
const now = () => performance.timeOrigin + performance.now();

const receipts = Array.from({ length: nClients }, () => new Float64Array(capacity).fill(Number.NaN));
const emittedAt = new Float64Array(capacity).fill(Number.NaN);
const counters: ClientCounters[] = Array.from({ length: nClients }, () => ({
  received: 0, duplicates: 0, seqGaps: 0, snapshots: 0, resumeBatches: 0, disconnects: 0, foreignIds: 0, callDeltas: 0, disconnectReasons: {},
}));
const figuresAt: number[] = [];
const sockets: Socket[] = [];
const loop = monitorEventLoopDelay({ resolution: 5 });
let expected = -1;
let drainedSent = false;
let ready = 0;

function checkDrained(): void {
  if (drainedSent || expected < 0) return;
  if (counters.every((c) => c.received >= expected)) {
    drainedSent = true;
    port.postMessage({ type: 'drained' });
  }
}

for (let c = 0; c < nClients; c++) {
  const cnt = counters[c]!;
  const mine = receipts[c]!;
  let seq = -1;
  const socket = io(urls[c % urls.length]!, {
    auth: { token }, query: { token }, transports: ['websocket'], reconnection: false, forceNew: true,
    // `false` reaches the ws constructor as is (engine.io-client's own default is { threshold: 1024 }); its typing only admits the object.
    perMessageDeflate: deflate ? { threshold: 1024 } : (false as unknown as { threshold: number }),
  });
  sockets.push(socket);
  socket.on('connect', () => socket.emit('hello', {}));
  socket.on('connect_error', (err: Error) => port.postMessage({ type: 'error', message: `client ${c}: ${err.message}` }));
  socket.on('disconnect', (reason: string) => { cnt.disconnects++; cnt.disconnectReasons[reason] = (cnt.disconnectReasons[reason] ?? 0) + 1; });
  socket.on('snapshot', (s: WallState) => {
    cnt.snapshots++;
    seq = s.seq;
    if (cnt.snapshots === 1 && ++ready === nClients) port.postMessage({ type: 'ready' });
  });
  const take = (d: WallDelta) => {
    const t = now();
    if (seq >= 0 && d.seq !== seq + 1) cnt.seqGaps++;
    seq = d.seq;
    if (d.type === 'figures' && c === 0) figuresAt.push(d.at);
    if (d.type !== 'calls') return;
    cnt.callDeltas++;
    for (const item of d.items) {
      if (!item.id.startsWith(idPrefix)) { cnt.foreignIds++; continue; }
      const n = Number(item.id.slice(idPrefix.length));
      if (!(n >= 0 && n < capacity)) { cnt.foreignIds++; continue; }
      if (!Number.isNaN(mine[n]!)) { cnt.duplicates++; continue; }
      mine[n] = t;
      cnt.received++;
      if (c === 0) emittedAt[n] = d.at;
    }
    if (expected >= 0 && cnt.received >= expected) checkDrained();
  };
  socket.on('delta', take);
  socket.on('deltas', (ds: WallDelta[]) => { cnt.resumeBatches++; ds.forEach(take); });
}
loop.enable();

port.on('message', (m: { type: 'measure' } | { type: 'expect'; total: number } | { type: 'stop' }) => {
  if (m.type === 'measure') {
    loop.reset();
  } else if (m.type === 'expect') {
    expected = m.total;
    checkDrained();
  } else if (m.type === 'stop') {
    loop.disable();
    // The closes below are ours, not the server's: stop counting them.
    for (const s of sockets) { s.off('disconnect'); s.disconnect(); }
    const result: ClientsResult = {
      type: 'result', receipts, emittedAt, counters, figuresAt,
      loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    };
    port.postMessage(result, [...receipts.map((r) => r.buffer), emittedAt.buffer] as ArrayBuffer[]);
    port.close();
  }
});
