/**
 * The gateway's bound on a slow screen: once packets queue up for a socket beyond the bound,
 * it gets no more deltas, and when its buffer drains it gets one fresh snapshot instead of
 * the backlog. (A bound of 0 packets makes a synchronous burst enough to trip it.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { apply, type WallDelta, type WallDeltaBody, type WallState } from '@watchfloor/config/wall';
import { startGateway } from '../../web/src/server/live/gateway';
import type { WallHub } from '../../web/src/server/live/wall-hub';
import { waitFor } from '../support/wait';

function memoryHub(): WallHub & { burst(n: number): void } {
  let state: WallState = {
    epoch: 'test', seq: 0, at: Date.now(), newestEventAt: null, incidents: [], gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: 0, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0), callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 0, gridCalls7d: {}, gridAlerts24h: {} },
  };
  const listeners = new Set<(d: WallDelta) => void>();
  const log: WallDelta[] = [];
  const publish = (body: WallDeltaBody) => {
    const d = { ...body, seq: state.seq + 1, at: Date.now() } as WallDelta;
    state = apply(state, d, 'Asia/Shanghai');
    log.push(d);
    listeners.forEach((l) => l(d));
  };
  return {
    epoch: 'test',
    snapshot: () => state,
    since: (seq) => log.filter((d) => d.seq > seq),
    publish,
    onDelta(l) { listeners.add(l); return () => listeners.delete(l); },
    stop() {},
    burst(n) {
      for (let i = 0; i < n; i++) publish({ type: 'calls', items: [{ id: `c${state.seq}`, t: Date.now(), category: 'help', priority: 3, lon: 110, lat: 34, gridId: null, townCode: null, state: 'received' }] });
    },
  };
}

test('a screen that falls behind is dropped to one fresh snapshot, and stays consistent', async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const hub = memoryHub();
  const gw = startGateway(server, hub, { tokens: ['tok-12345678'], maxBufferedPackets: 0, tickMs: 60_000 });
  const client = io(`http://127.0.0.1:${port}`, { auth: { token: 'tok-12345678' }, query: { token: 'tok-12345678' }, transports: ['websocket'], reconnection: false });
  let snapshots = 0;
  let state: WallState | null = null;
  let deltas = 0;
  client.on('connect', () => client.emit('hello', {}));
  client.on('snapshot', (s: WallState) => { snapshots++; state = s; });
  client.on('delta', (d: WallDelta) => {
    deltas++;
    assert.equal(d.seq, state!.seq + 1, 'deltas after a snapshot continue from it');
    state = apply(state!, d, 'Asia/Shanghai');
  });
  try {
    await waitFor('first snapshot', async () => snapshots, (n) => n === 1, 5_000, 10);
    hub.burst(200); // synchronous: the socket's queue cannot drain in between
    await waitFor('a fresh snapshot after the drain', async () => snapshots, (n) => n === 2, 5_000, 10);
    assert.ok(deltas < 200, `the backlog was not sent (${deltas} deltas)`);
    assert.equal(state!.seq, 200, 'the snapshot brought the screen up to date');
    hub.burst(1);
    await waitFor('live again', async () => state!.seq, (s) => s === 201, 5_000, 10);
  } finally {
    client.close();
    await gw.close();
    server.close();
  }
});
