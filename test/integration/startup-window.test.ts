/**
 * The socket path while `npm start` is still starting (listening, health 503, store and hub not
 * up yet): a wall that connects then is held until the hub is there and gets its snapshot,
 * instead of a 503 on its websocket (which the browser logs as an error, and which a reconnecting
 * screen used to meet after every restart).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { WALL_EVENTS, WALL_PROTOCOL_VERSION, type WallState } from '@watchfloor/config/wall';
import { startServer, type RunningServer } from '../support/server';

const WALL = 'startup-test-wall-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-startup-'));
const env = { DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL };

describe('the socket path during start-up', () => {
  let server: RunningServer | undefined;
  let socket: Socket | undefined;
  after(async () => {
    socket?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a wall connecting before the store is up connects, and gets its snapshot once the hub is up', async () => {
    server = await startServer(env, { untilListening: true });
    const s = server;
    // Started early enough to be in the window (the store takes seconds to open).
    const healthAtConnect = (await fetch(`${s.url}/api/health`)).status;
    socket = io(s.url, { auth: { token: WALL }, query: { token: WALL }, transports: ['websocket'], reconnection: false });
    const sock = socket;
    const snapshot = await new Promise<WallState>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no snapshot within 180 s\n${s.output().slice(-2000)}`)), 180_000);
      sock.on('connect_error', (err) => { clearTimeout(t); reject(new Error(`refused while starting: ${err.message}`)); });
      sock.on('connect', () => sock.emit(WALL_EVENTS.hello, { v: WALL_PROTOCOL_VERSION }));
      sock.on(WALL_EVENTS.snapshot, (st: WallState) => { clearTimeout(t); resolve(st); });
    });
    assert.equal(healthAtConnect, 503, 'the client connected inside the start-up window');
    assert.equal(typeof snapshot.seq, 'number');
    assert.equal((await fetch(`${s.url}/api/health`)).status, 200);
  });
});
