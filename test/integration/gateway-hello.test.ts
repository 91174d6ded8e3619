/**
 * The gateway's bound on hellos: a client that says hello 20 times a second gets at most one
 * answer per HELLO_MIN_INTERVAL_MS (it used to get a fresh snapshot queued for every one,
 * and server memory grew by hundreds of MB), still ends up current, and a client speaking
 * another protocol version is told to reload.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { io } from 'socket.io-client';
import { HELLO_MIN_INTERVAL_MS, WALL_PROTOCOL_VERSION, apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { startGateway } from '../../web/src/server/live/gateway';
import { memoryHub } from '../support/memory-hub';
import { waitFor } from '../support/wait';

const TOKEN = 'tok-12345678';

/** A wall client as the page makes one: the token at the engine.io handshake and in socket.io's auth. */
const screen = (url: string) => io(url, { auth: { token: TOKEN }, query: { token: TOKEN }, transports: ['websocket'], reconnection: false });

/** Resolves with the first `event`, or fails after a while instead of hanging the suite. */
function first<T>(client: ReturnType<typeof io>, event: string, ms = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    client.once('connect_error', (err: Error) => { clearTimeout(t); reject(err); });
    client.once(event, (v: T) => { clearTimeout(t); resolve(v); });
  });
}

async function withGateway(fn: (url: string, hub: ReturnType<typeof memoryHub>) => Promise<void>): Promise<void> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const hub = memoryHub();
  const gw = startGateway(server, hub, { tokens: [TOKEN], tickMs: 60_000 });
  try {
    await fn(`http://127.0.0.1:${port}`, hub);
  } finally {
    await gw.close();
    server.close();
  }
}

test('hello spam: at most one answer per interval, and the screen stays current', async () => {
  await withGateway(async (url, hub) => {
    hub.burst(50); // something to snapshot
    const client = screen(url);
    let snapshots = 0;
    let state: WallState | null = null;
    client.on('snapshot', (s: WallState) => { snapshots++; state = s; });
    client.on('delta', (d: WallDelta) => { if (state && d.seq === state.seq + 1) state = apply(state, d, 'Asia/Shanghai'); });
    await first(client, 'connect');
    const spamMs = 4000;
    const t0 = Date.now();
    const spam = setInterval(() => { client.emit('hello', {}); hub.burst(1); }, 50);
    await new Promise((r) => setTimeout(r, spamMs));
    clearInterval(spam);
    const elapsed = Date.now() - t0;
    await new Promise((r) => setTimeout(r, HELLO_MIN_INTERVAL_MS + 300));
    const bound = Math.ceil(elapsed / HELLO_MIN_INTERVAL_MS) + 2;
    assert.ok(snapshots >= 2, `hellos are still answered (${snapshots} snapshots)`);
    assert.ok(snapshots <= bound, `${snapshots} snapshots for ~${Math.round(elapsed / 50)} hellos in ${elapsed} ms: at most ${bound}`);
    hub.burst(1);
    const want = hub.snapshot().seq;
    await waitFor('the screen is current', async () => state?.seq ?? -1, (s) => s === want, 5_000, 20);
    client.close();
  });
});

test('a client speaking another protocol version is told to reload, not sent a state it would misread', async () => {
  await withGateway(async (url) => {
    const client = screen(url);
    let snapshots = 0;
    client.on('snapshot', () => { snapshots++; });
    const upgrade = first<{ v: number }>(client, 'upgrade');
    client.on('connect', () => client.emit('hello', { v: WALL_PROTOCOL_VERSION + 1 }));
    assert.deepEqual(await upgrade, { v: WALL_PROTOCOL_VERSION });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(snapshots, 0);
    client.close();
  });
});

test('a malformed hello is ignored; a well-formed one after it is answered', async () => {
  await withGateway(async (url) => {
    const client = screen(url);
    let snapshots = 0;
    client.on('snapshot', () => { snapshots++; });
    await first(client, 'connect');
    client.emit('hello', { seq: 'all of it', epoch: { $gt: '' } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(snapshots, 0);
    client.emit('hello', {});
    await waitFor('answered', async () => snapshots, (n) => n === 1, 5_000, 20);
    client.close();
  });
});
