/**
 * The wall's live path against the real server: snapshot + ordered deltas over socket.io,
 * a connection killed mid-stream resuming with nothing lost or applied twice, and the
 * wall token's limits.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { call } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const WALL = 'live-test-wall-token';
const INGEST = 'live-test-ingest-token';
const TZ = 'Asia/Shanghai';

class Screen {
  state: WallState | null = null;
  applied: number[] = [];
  snapshots = 0;
  readonly socket: Socket;
  constructor(url: string, token: string, resumeFrom?: WallState) {
    this.state = resumeFrom ?? null;
    this.socket = io(url, { auth: { token }, query: { token }, transports: ['websocket'], reconnection: false });
    this.socket.on('connect', () => this.socket.emit('hello', this.state ? { epoch: this.state.epoch, seq: this.state.seq } : {}));
    this.socket.on('snapshot', (s: WallState) => { this.state = s; this.snapshots++; });
    const take = (d: WallDelta) => {
      assert.ok(this.state, 'a delta before any snapshot');
      assert.equal(d.seq, this.state.seq + 1, `deltas arrive in order without gaps (got ${d.seq} after ${this.state.seq})`);
      this.state = apply(this.state, d, TZ);
      this.applied.push(d.seq);
    };
    this.socket.on('delta', take);
    this.socket.on('deltas', (ds: WallDelta[]) => ds.forEach(take));
  }
  ids(): string[] { return (this.state?.incidents ?? []).map((c) => c.id); }
  close() { this.socket.disconnect(); }
}

async function postCalls(s: RunningServer, n: number): Promise<string[]> {
  const calls = Array.from({ length: n }, () => call({ receivedAt: new Date().toISOString() }));
  const r = await fetch(`${s.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(calls) });
  assert.equal(r.status, 200);
  return calls.map((c) => c.id);
}

describe('wall live path', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-live-'));
  before(async () => { server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', WALL_TOKEN: WALL, INGEST_TOKEN: INGEST }); });
  after(async () => { await server?.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); });

  test('a wrong token is refused; the wall token cannot write', async () => {
    const bad = io(server.url, { auth: { token: 'nope-nope-nope' }, query: { token: 'nope-nope-nope' }, transports: ['websocket'], reconnection: false });
    // Refused at the engine.io handshake: the websocket upgrade itself is turned down.
    const err = await new Promise<Error>((r) => bad.on('connect_error', r));
    assert.match(err.message, /websocket error/);
    assert.equal(bad.connected, false);
    bad.close();
    // Past the handshake, socket.io's own auth packet is checked too.
    const mixed = io(server.url, { auth: { token: 'nope-nope-nope' }, query: { token: WALL }, transports: ['websocket'], reconnection: false });
    const err2 = await new Promise<Error>((r) => mixed.on('connect_error', r));
    assert.match(err2.message, /unauthorized/);
    mixed.close();
    const w = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${WALL}` }, body: JSON.stringify([call()]) });
    assert.equal(w.status, 401);
  });

  test('snapshot then ordered deltas; a killed connection resumes with nothing lost or doubled', async () => {
    const a = new Screen(server.url, WALL);
    await waitFor('first snapshot', async () => a.state, (s) => s !== null, 10_000, 20);
    const first = await postCalls(server, 10);
    await waitFor('first batch on screen', async () => a.ids(), (ids) => first.every((id) => ids.includes(id)), 10_000, 20);

    // The connection dies mid-stream; more calls arrive while the screen is away.
    a.close();
    const kept = a.state!;
    const second = await postCalls(server, 15);
    const third = await postCalls(server, 5);

    const b = new Screen(server.url, WALL, kept);
    const all = [...first, ...second, ...third];
    await waitFor('missed calls delivered', async () => b.ids(), (ids) => all.every((id) => ids.includes(id)), 10_000, 20);
    assert.equal(b.snapshots, 0, 'resumed from the delta log, not a fresh snapshot');
    const ids = b.ids();
    assert.equal(new Set(ids).size, ids.length, 'no incident applied twice');

    // A screen that starts now sees the same incidents as the resumed one.
    const c = new Screen(server.url, WALL);
    await waitFor('fresh snapshot', async () => c.state, (s) => s !== null && s.seq >= b.state!.seq, 10_000, 20);
    assert.deepEqual([...c.ids()].sort(), [...b.ids()].sort());
    assert.equal(c.state!.figures.callsToday, b.state!.figures.callsToday);
    b.close();
    c.close();
  });

  test('a screen from an unknown epoch gets a fresh snapshot', async () => {
    const stale = { epoch: 'other-process', seq: 3 } as WallState;
    const d = new Screen(server.url, WALL, stale);
    await waitFor('snapshot for a foreign epoch', async () => d.snapshots, (n) => n === 1, 10_000, 20);
    assert.notEqual(d.state!.epoch, 'other-process');
    d.close();
  });
});
