/**
 * Dispatching through the API on the real embedded server: the incident list and its states,
 * suggested units by distance (stale positions after fresh ones), assignment with its roles and
 * CSRF, exactly one winner of concurrent assignments, and the assignment reaching the wall.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { watchWall, type WallWatcher } from '../support/wall-watcher';
import { call, uid } from '../support/events';
import { createTempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const INGEST = 'disp-test-ingest-token';
const ADMIN = 'disp-test-admin-token';
const WALL = 'disp-test-wall-token';
const CHIEF = { name: 'chief', password: 'chief-password-1' };
const DUTY = { name: 'duty-a', password: 'duty-a-password-1' };
const DUTY2 = { name: 'duty-b', password: 'duty-b-password-1' };
const ANALYST = { name: 'analyst', password: 'analyst-password-1' };

type ApiIncident = { id: string; status: string; priority: number; gridId: string | null; assignedUnitId: string | null; assignedBy: string | null; version: number; receivedAt: string };
type Suggestion = { unitId: string; distanceM: number; etaS: number; stale: boolean; reason: string };
interface Signed { cookie: string; csrf: string }

/** Where the server keeps its data: embedded PGlite, or a fresh database on the native PostgreSQL. */
interface Store { env: Record<string, string>; drop(): Promise<void> }

function dispatchSuite(label: string, store: () => Promise<Store>): void {
describe(`dispatch API (${label})`, () => {
  let db: Store | null = null;
  let server: RunningServer;
  let url = '';
  let wall: WallWatcher;
  let duty: Signed;
  let duty2: Signed;
  let analyst: Signed;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-disp-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const units = tongguan().units;

  const json = (body: unknown, headers: Record<string, string>) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const as = (s: Signed, withCsrf = true): Record<string, string> => ({ cookie: s.cookie, ...(withCsrf ? { 'x-csrf-token': s.csrf } : {}) });
  async function signIn(u: { name: string; password: string }): Promise<Signed> {
    const r = await fetch(`${url}/api/auth/login`, { method: 'POST', ...json({ username: u.name, password: u.password }, {}) });
    assert.equal(r.status, 200, await r.clone().text());
    const { csrfToken } = (await r.json()) as { csrfToken: string };
    const set = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!;
    return { cookie: set.split(';')[0]!, csrf: csrfToken };
  }
  const post = async (topic: string, items: unknown[]) => {
    const r = await fetch(`${url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    assert.equal(r.status, 200, await r.text());
  };
  const list = async (q = '') => (await (await fetch(`${url}/api/incidents${q}`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as ApiIncident[];
  const assign = (id: string, body: unknown, headers: Record<string, string>) => fetch(`${url}/api/incidents/${encodeURIComponent(id)}/assign`, { method: 'POST', ...json(body, headers) });
  /** A fresh call; its receivedAt (to the ms) finds it among the wall's incidents, whose ids are display references. */
  async function newCall(): Promise<{ id: string; t: number }> {
    const t = Date.now() - 2000 - Math.floor(Math.random() * 1000);
    const c = call({ id: uid('C'), receivedAt: new Date(t).toISOString(), priority: 1 });
    await post('police.calls', [c]);
    return { id: c.id, t };
  }
  /** Units reporting available now at their home position (fresh), and one reporting long ago (stale). */
  async function available(ids: string[], ageMs = 1000): Promise<void> {
    await post('unit.status', ids.map((id) => {
      const u = units.find((x) => x.id === id)!;
      return { unitId: id, at: new Date(Date.now() - ageMs).toISOString(), status: 'available', position: { lon: u.lon, lat: u.lat } };
    }));
  }

  before(async () => {
    db = await store();
    server = await startServer({
      ...db.env, DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir,
      ADMIN_USER: CHIEF.name, ADMIN_PASSWORD: CHIEF.password, UNIT_STALE_SECONDS: '300', LOGIN_RATE_LIMIT: '100',
    });
    url = server.url;
    for (const [u, role] of [[DUTY, 'dispatcher'], [DUTY2, 'dispatcher'], [ANALYST, 'analyst']] as const) {
      const r = await fetch(`${url}/api/users`, { method: 'POST', ...json({ name: u.name, role, password: u.password }, { authorization: `Bearer ${ADMIN}` }) });
      assert.equal(r.status, 201, await r.text());
    }
    [duty, duty2, analyst] = [await signIn(DUTY), await signIn(DUTY2), await signIn(ANALYST)];
    wall = await watchWall(url, WALL);
  });
  after(async () => {
    wall?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
    await db?.drop();
  });

  test('list, suggestions by distance with stale after fresh, assign: stored, on the wall, audited', async () => {
    const c = await newCall();
    const [near, far, stale] = [units[0]!.id, units[1]!.id, units[2]!.id];
    await available([near, far]);
    await available([stale], 3600_000);
    const received = await list('?status=received');
    const mine = received.find((i) => i.id === c.id);
    assert.ok(mine, 'the new call is listed as received');
    assert.equal(mine.assignedUnitId, null);
    assert.equal(mine.version, 0);
    assert.equal(mine.priority, 1);

    const sr = await fetch(`${url}/api/incidents/${c.id}/suggestions`, { headers: as(duty, false) });
    assert.equal(sr.status, 200);
    const sug = (await sr.json()) as Suggestion[];
    const fresh = sug.filter((s) => !s.stale);
    assert.ok(fresh.length >= 2);
    for (let i = 1; i < fresh.length; i++) assert.ok(fresh[i - 1]!.distanceM <= fresh[i]!.distanceM, 'fresh units by distance');
    const staleAt = sug.findIndex((s) => s.unitId === stale);
    assert.ok(staleAt >= fresh.length, 'a stale unit comes after every fresh one');
    assert.equal(sug[staleAt]!.reason, 'stale_position');
    assert.ok(sug.every((s) => s.etaS >= 0 && Number.isFinite(s.distanceM)));
    const pick = fresh[0]!;

    const r = await assign(c.id, { unitId: pick.unitId, instruction: '<script>alert(1)</script>', expectedVersion: 0 }, as(duty));
    assert.equal(r.status, 200, await r.clone().text());
    const done = (await r.json()) as ApiIncident;
    assert.equal(done.status, 'dispatched');
    assert.equal(done.assignedUnitId, pick.unitId);
    assert.equal(done.assignedBy, DUTY.name);
    assert.equal(done.version, 1);
    const listed = (await list('?status=dispatched')).find((i) => i.id === c.id);
    assert.ok(listed, 'listed as dispatched');
    assert.equal(listed.assignedBy, null, 'the wall token is not told who dispatched');
    const asPerson = (await (await fetch(`${url}/api/incidents?status=dispatched`, { headers: as(duty, false) })).json()) as ApiIncident[];
    assert.equal(asPerson.find((i) => i.id === c.id)?.assignedBy, DUTY.name);
    const again = (await (await fetch(`${url}/api/incidents/${c.id}/suggestions`, { headers: as(duty, false) })).json()) as Suggestion[];
    assert.ok(!again.some((s) => s.unitId === pick.unitId), 'a unit assigned is not suggested');

    await waitFor('the assignment on the wall', async () => wall.state()?.incidents.find((i) => i.t === c.t)?.state, (s) => s === 'dispatched', 10_000, 100);
    const audit = (await (await fetch(`${url}/api/audit`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as Array<{ actor: string; action: string; target: string }>;
    assert.ok(audit.some((e) => e.action === 'dispatch.assign' && e.actor === DUTY.name && e.target === c.id));
  });

  test('roles: analyst 403, wall token 401, missing CSRF 403, unknown incident 404', async () => {
    const c = await newCall();
    const unitId = units[3]!.id;
    await available([unitId]);
    assert.equal((await assign(c.id, { unitId }, as(analyst))).status, 403);
    assert.equal((await assign(c.id, { unitId }, { authorization: `Bearer ${WALL}` })).status, 401);
    assert.equal((await assign(c.id, { unitId }, as(duty, false))).status, 403);
    assert.equal((await assign('no-such-call', { unitId }, as(duty))).status, 404);
    assert.equal((await assign(c.id, { unitId: '' }, as(duty))).status, 400);
    const still = (await list()).find((i) => i.id === c.id)!;
    assert.equal(still.assignedUnitId, null, 'nothing refused was stored');
  });

  test('two dispatchers assign one incident at once: one 200, one 409 naming the winner', async () => {
    const c = await newCall();
    const [u1, u2] = [units[4]!.id, units[5]!.id];
    await available([u1, u2]);
    const rs = await Promise.all([assign(c.id, { unitId: u1 }, as(duty)), assign(c.id, { unitId: u2 }, as(duty2))]);
    const codes = rs.map((r) => r.status).sort();
    assert.deepEqual(codes, [200, 409]);
    const loser = rs.find((r) => r.status === 409)!;
    const body = (await loser.json()) as { error: { code: string; message: string }; current: ApiIncident };
    const winner = (await rs.find((r) => r.status === 200)!.json()) as ApiIncident;
    assert.equal(body.error.code, 'already_assigned');
    assert.equal(body.current.assignedBy, winner.assignedBy);
    assert.equal(body.current.assignedUnitId, winner.assignedUnitId);
    const stored = (await list()).find((i) => i.id === c.id)!;
    assert.equal(stored.assignedUnitId, winner.assignedUnitId);
    assert.notEqual(body.current.assignedBy, null, 'the loser is told who won');
    assert.equal(stored.version, 1, 'one assignment stored');
  });

  test('one unit to two incidents at once: one wins, the other is told the unit is gone', async () => {
    const [a, b] = [await newCall(), await newCall()];
    const unitId = units[6]!.id;
    await available([unitId]);
    const rs = await Promise.all([assign(a.id, { unitId }, as(duty)), assign(b.id, { unitId }, as(duty2))]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
    const body = (await rs.find((r) => r.status === 409)!.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'unit_unavailable');
    const held = (await list()).filter((i) => i.assignedUnitId === unitId && (i.id === a.id || i.id === b.id));
    assert.equal(held.length, 1);
  });

  test('reassignment is explicit and needs the current version', async () => {
    const c = await newCall();
    const [u1, u2] = [units[7]!.id, units[8]!.id];
    await available([u1, u2]);
    assert.equal((await assign(c.id, { unitId: u1 }, as(duty))).status, 200);
    assert.equal((await assign(c.id, { unitId: u2 }, as(duty))).status, 409, 'not without reassign');
    assert.equal((await assign(c.id, { unitId: u2, reassign: true }, as(duty))).status, 400, 'not without a version');
    const staleV = await assign(c.id, { unitId: u2, reassign: true, expectedVersion: 0 }, as(duty));
    assert.equal(staleV.status, 409);
    assert.equal(((await staleV.json()) as { error: { code: string } }).error.code, 'stale_version');
    const ok = await assign(c.id, { unitId: u2, reassign: true, expectedVersion: 1 }, as(duty2));
    assert.equal(ok.status, 200);
    const now = (await ok.json()) as ApiIncident;
    assert.equal(now.assignedUnitId, u2);
    assert.equal(now.assignedBy, DUTY2.name);
    assert.equal(now.version, 2);
    const sug = (await (await fetch(`${url}/api/incidents/${c.id}/suggestions`, { headers: as(duty, false) })).json()) as Suggestion[];
    assert.ok(sug.some((s) => s.unitId === u1), 'the replaced unit is available again');
  });

  test('an impossible transition is refused and not stored', async () => {
    const c = await newCall();
    const [u1, u2] = [units[9]!.id, units[10]!.id];
    await available([u1, u2]);
    // The field says the incident was handled (the unit released from it) before anyone dispatched.
    await post('unit.status', [{ unitId: u1, at: new Date(Date.now() - 500).toISOString(), status: 'available', incidentId: c.id }]);
    const handled = await waitFor('handled', async () => (await list()).find((i) => i.id === c.id)?.status, (s) => s === 'handled', 10_000, 100);
    assert.equal(handled, 'handled');
    const r = await assign(c.id, { unitId: u2 }, as(duty));
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'transition');
  });
});
}

dispatchSuite('embedded', async () => ({ env: {}, drop: async () => undefined }));
dispatchSuite('native PostgreSQL', async () => {
  const t = await createTempDatabase('dispatch');
  return { env: { DATABASE_URL: t.url, DB_FLAVOR: 'postgres', PHONE_HASH_KEY: 'dispatch-test-phone-hash-key' }, drop: () => t.drop() };
});
