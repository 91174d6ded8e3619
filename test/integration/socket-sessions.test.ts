/**
 * The console's live socket on the real embedded server: a browser signed in sends no token,
 * only its session cookie, at the engine.io handshake. A live session connects and gets the
 * snapshot; no cookie, a garbage one, a signed-out, revoked or idle-expired session is refused;
 * an open socket is cut when its session ends; the wall token keeps working. Also the paths
 * refused before routing (broken percent-encoding) know a signed-in person from a stranger.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { budget, waitFor } from '../support/wait';
import { watchWall } from '../support/wall-watcher';

const ADMIN = 'sock-sess-admin-token';
const WALL = 'sock-sess-wall-token';
const DUTY = { name: 'duty-s', password: 'duty-s-password-1' };
const IDLE_SECONDS = 8;

interface Signed { cookie: string; csrf: string }

describe('live socket with a session cookie (embedded)', () => {
  let server: RunningServer;
  let url = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-socksess-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const open: Socket[] = [];

  const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  async function signIn(): Promise<Signed> {
    const r = await fetch(`${url}/api/auth/login`, { method: 'POST', ...json({ username: DUTY.name, password: DUTY.password }) });
    assert.equal(r.status, 200, await r.clone().text());
    const { csrfToken } = (await r.json()) as { csrfToken: string };
    const set = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!;
    return { cookie: set.split(';')[0]!, csrf: csrfToken };
  }

  /** Connects as the console's browser does (websocket, the cookie on the upgrade request, no token); 'connected' or the refusal. */
  function connect(cookie: string | null, transport: 'websocket' | 'polling' = 'websocket'): Promise<{ outcome: string; socket: Socket; snapshot: Promise<unknown> }> {
    const socket = io(url, { transports: [transport], reconnection: false, ...(cookie ? { extraHeaders: { cookie } } : {}) });
    open.push(socket);
    const snapshot = new Promise<unknown>((r) => socket.once('snapshot', r));
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve({ outcome: 'timeout', socket, snapshot }), budget(10_000));
      socket.on('connect', () => { clearTimeout(t); socket.emit('hello', {}); resolve({ outcome: 'connected', socket, snapshot }); });
      socket.on('connect_error', (e) => { clearTimeout(t); resolve({ outcome: e.message, socket, snapshot }); });
    });
  }
  const disconnected = (s: Socket) => waitFor('the open socket cut', async () => s.connected, (c) => !c, 10_000, 100);

  before(async () => {
    server = await startServer({
      DATA_DIR: dataDir, SIMULATE: '0', ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir,
      SESSION_IDLE_SECONDS: String(IDLE_SECONDS), LOGIN_RATE_LIMIT: '100',
    });
    url = server.url;
    const r = await fetch(`${url}/api/users`, { method: 'POST', ...json({ name: DUTY.name, role: 'dispatcher', password: DUTY.password }, { authorization: `Bearer ${ADMIN}` }) });
    assert.equal(r.status, 201, await r.text());
  });
  after(async () => {
    for (const s of open) s.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('a live session connects (websocket and polling) and receives the snapshot', async () => {
    const s = await signIn();
    for (const transport of ['websocket', 'polling'] as const) {
      const c = await connect(s.cookie, transport);
      assert.equal(c.outcome, 'connected', transport);
      const snap = (await c.snapshot) as { seq: number; incidents: unknown[] };
      assert.equal(typeof snap.seq, 'number');
      assert.ok(Array.isArray(snap.incidents));
      c.socket.close();
    }
  });

  test('no cookie, a garbage cookie, or a well-formed unknown id: refused', async () => {
    assert.notEqual((await connect(null)).outcome, 'connected');
    assert.notEqual((await connect('wf_session=garbage')).outcome, 'connected');
    assert.notEqual((await connect(`wf_session=${'A'.repeat(43)}`)).outcome, 'connected');
    // A wrong token is refused even beside a live cookie, as on the API.
    const s = await signIn();
    const mixed = io(url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: s.cookie }, auth: { token: 'wrong-token-0' }, query: { token: 'wrong-token-0' } });
    open.push(mixed);
    const outcome = await new Promise<string>((r) => { mixed.on('connect', () => r('connected')); mixed.on('connect_error', (e) => r(e.message)); });
    assert.notEqual(outcome, 'connected');
    const eio = `${url}/socket.io/?EIO=4&transport=polling`;
    assert.equal((await fetch(eio, { headers: { cookie: 'wf_session=garbage' } })).status, 403);
    assert.equal((await fetch(eio, { headers: { cookie: s.cookie } })).status, 200);
  });

  test('the wall token keeps working', async () => {
    const w = await watchWall(url, WALL);
    assert.ok(w.state());
    w.close();
  });

  test('after sign-out: the open socket is cut and the cookie refused', async () => {
    const s = await signIn();
    const c = await connect(s.cookie);
    assert.equal(c.outcome, 'connected');
    await c.snapshot;
    const r = await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    assert.equal(r.status, 204);
    await disconnected(c.socket);
    assert.notEqual((await connect(s.cookie)).outcome, 'connected');
  });

  test('revoked by an admin: the open socket is cut and the cookie refused', async () => {
    const s = await signIn();
    const c = await connect(s.cookie);
    assert.equal(c.outcome, 'connected');
    const r = await fetch(`${url}/api/users/${DUTY.name}/sessions`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(r.status, 200);
    await disconnected(c.socket);
    assert.notEqual((await connect(s.cookie)).outcome, 'connected');
  });

  test('a broken percent-encoded API path: 401 for a stranger, 400 for a signed-in person', async () => {
    const s = await signIn();
    const p = `${url}/api/incidents/%E0%A4%A`;
    assert.equal((await fetch(p)).status, 401);
    assert.equal((await fetch(p, { headers: { cookie: 'wf_session=garbage' } })).status, 401);
    assert.equal((await fetch(p, { headers: { cookie: s.cookie } })).status, 400);
  });

  test(`an idle session (past ${IDLE_SECONDS} s) is refused`, async () => {
    const s = await signIn();
    assert.equal((await connect(s.cookie)).outcome, 'connected');
    await new Promise((r) => setTimeout(r, (IDLE_SECONDS + 1) * 1000));
    assert.notEqual((await connect(s.cookie)).outcome, 'connected');
  });
});
