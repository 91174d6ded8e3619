/**
 * The gateway's bound on a slow screen: once packets queue up for a socket beyond the bound,
 * it gets no more deltas, and when its buffer drains it gets one fresh snapshot instead of
 * the backlog. (A bound of 0 packets makes a synchronous burst enough to trip it.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { startGateway } from '../../web/src/server/live/gateway';
import { memoryHub } from '../support/memory-hub';
import { waitFor } from '../support/wait';

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
