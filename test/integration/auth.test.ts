/**
 * Sign-in, roles and the audit trail through `npm start` (embedded store): the first admin
 * from ADMIN_PASSWORD, cookie sessions that expire (idle and absolute) and can be revoked,
 * back-off after failures that says nothing of whether a name exists, the role of every
 * route checked server-side, CSRF on cookie writes, warnings acknowledged in the signed-in
 * user's name, an audit trail whose chain holds — and no password or session id in the logs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { caseChange } from '../support/events';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const INGEST = 'auth-test-ingest-token';
const ADMIN_TOKEN = 'auth-test-admin-token';
const WALL = 'auth-test-wall-token';
const CHIEF = { name: 'chief', password: 'chief-Secret-8472' };
const DUTY = { name: 'duty1', password: 'duty-Secret-5531' };
const ANALYST = { name: 'ana1', password: 'analyst-Secret-9917' };
const LOCKME = { name: 'lockme', password: 'lockme-Secret-2206' };
const IDLE = 3;
const MAX = 9;
const LOCK = 2;
const PER_ADDRESS = 6;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-auth-'));
const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });

interface Signed { cookie: string; csrf: string; sessionId: string }

describe('sign-in, roles and audit', () => {
  let server: RunningServer;
  let url: string;
  /** Every address used by a test is its own (X-Forwarded-For, TRUST_PROXY=1): back-off counts never cross tests. */
  let nextAddress = 1;
  const address = () => `198.51.100.${nextAddress++}`;
  const secrets: string[] = [CHIEF.password, DUTY.password, ANALYST.password, LOCKME.password];

  const login = (user: { name: string; password: string }, ip = '192.0.2.1') => fetch(`${url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username: user.name, password: user.password }),
  });
  async function signIn(user: { name: string; password: string }): Promise<Signed> {
    const r = await login(user);
    assert.equal(r.status, 200, await r.clone().text());
    const body = (await r.json()) as { csrfToken: string };
    const set = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!;
    const sessionId = /^wf_session=([^;]+)/.exec(set)![1]!;
    secrets.push(sessionId, body.csrfToken);
    return { cookie: `wf_session=${sessionId}`, csrf: body.csrfToken, sessionId };
  }
  const as = (s: Signed, withCsrf = true): Record<string, string> => ({ cookie: s.cookie, ...(withCsrf ? { 'x-csrf-token': s.csrf } : {}) });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const whoAmI = (s: Signed) => fetch(`${url}/api/session`, { headers: { cookie: s.cookie } });
  const json = (body: unknown, headers: Record<string, string>) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    server = await startServer({
      DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN_TOKEN, WALL_TOKEN: WALL, RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5',
      ADMIN_USER: CHIEF.name, ADMIN_PASSWORD: CHIEF.password, SESSION_IDLE_SECONDS: String(IDLE), SESSION_MAX_SECONDS: String(MAX),
      LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: String(LOCK), LOGIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS), LOGIN_RATE_LIMIT: '25', TRUST_PROXY: '1',
      LOG_LEVEL: 'debug',
    });
    url = server.url;
    const chief = await signIn(CHIEF);
    for (const [u, role] of [[DUTY, 'dispatcher'], [ANALYST, 'analyst'], [LOCKME, 'dispatcher']] as const) {
      const r = await fetch(`${url}/api/users`, { method: 'POST', ...json({ name: u.name, role, password: u.password }, as(chief)) });
      assert.equal(r.status, 201, await r.text());
    }
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('the first admin comes from ADMIN_PASSWORD; a wrong password and an unknown name get the same answer', async () => {
    assert.match(server.output(), /first admin created: chief/);
    assert.doesNotMatch(server.output(), /development default in use: sign in/);
    const wrong = await login({ name: CHIEF.name, password: 'not-the-password' }, address());
    const ghost = await login({ name: 'nobody-here', password: 'not-the-password' }, address());
    assert.equal(wrong.status, 401);
    assert.equal(ghost.status, 401);
    assert.deepEqual(await wrong.json(), await ghost.json());
    assert.equal((await login({ name: 'CHIEF', password: CHIEF.password }, address())).status, 200, 'names are one whatever the letter case');
  });

  test('a session: an HttpOnly SameSite=Strict cookie with an opaque id, who-am-I, and sign-out', async () => {
    const r = await login(DUTY);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { user: { name: string; role: string }; csrfToken: string; expiresAt: string };
    assert.deepEqual(body.user, { name: DUTY.name, role: 'dispatcher' });
    assert.ok(body.csrfToken.length > 20);
    const set = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!;
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Strict/i);
    assert.match(set, /Path=\//);
    assert.doesNotMatch(set, /;\s*Secure/i, 'not Secure over plain HTTP (COOKIE_SECURE=auto)');
    assert.match(set, /^wf_session=[\w-]{43};/, 'the cookie is the random id alone');
    const id = /^wf_session=([^;]+)/.exec(set)![1]!;
    secrets.push(id, body.csrfToken);
    const s: Signed = { cookie: `wf_session=${id}`, csrf: body.csrfToken, sessionId: id };

    const me = await whoAmI(s);
    assert.equal(me.status, 200);
    assert.deepEqual(((await me.json()) as { user: unknown }).user, { name: DUTY.name, role: 'dispatcher' });
    assert.equal((await fetch(`${url}/api/warnings`, { headers: { cookie: s.cookie } })).status, 200, 'a session reads as the wall token does');

    assert.equal((await fetch(`${url}/api/session`, { method: 'DELETE', headers: as(s, false) })).status, 403, 'sign-out without the CSRF token is refused');
    const out = await fetch(`${url}/api/session`, { method: 'DELETE', headers: as(s) });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie().join('\n'), /wf_session=;/);
    assert.equal((await whoAmI(s)).status, 401);
    assert.equal((await fetch(`${url}/api/warnings`, { headers: { cookie: s.cookie } })).status, 401, 'the ended session opens nothing');
    assert.equal((await whoAmI({ cookie: 'wf_session=forged-forged-forged-forged-forged-forged-abc', csrf: '', sessionId: '' })).status, 401);
  });

  test('POST /api/auth/login and /api/auth/logout answer as the session routes do', async () => {
    const r = await fetch(`${url}/api/auth/login`, { method: 'POST', ...json({ username: ANALYST.name, password: ANALYST.password }, {}) });
    assert.equal(r.status, 200);
    const { csrfToken } = (await r.json()) as { csrfToken: string };
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!;
    secrets.push(cookie.slice('wf_session='.length), csrfToken);
    assert.equal((await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie } })).status, 403);
    assert.equal((await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status, 204);
    assert.equal((await fetch(`${url}/api/session`, { headers: { cookie } })).status, 401);
  });

  test('a session ends after the idle timeout', async () => {
    const s = await signIn(ANALYST);
    assert.equal((await whoAmI(s)).status, 200);
    await new Promise((r) => setTimeout(r, (IDLE + 1) * 1000));
    assert.equal((await whoAmI(s)).status, 401);
  });

  test('a session in use still ends at the absolute timeout', async () => {
    const s = await signIn(ANALYST);
    const started = Date.now();
    // Used every second (well inside the idle limit) until past the absolute one.
    while (Date.now() - started < (MAX - 1) * 1000) {
      assert.equal((await whoAmI(s)).status, 200, `alive after ${Date.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await waitFor('session past its absolute limit', async () => (await whoAmI(s)).status, (st) => st === 401, 4000, 500);
  });

  test('an admin revokes a user’s sessions; a role change ends them too', async () => {
    const chief = await signIn(CHIEF);
    const a = await signIn(DUTY);
    const b = await signIn(DUTY);
    const revoke = (headers: Record<string, string>) => fetch(`${url}/api/users/${DUTY.name}/sessions`, { method: 'DELETE', headers });
    assert.equal((await revoke(as(chief, false))).status, 403, 'revoking by cookie needs the CSRF token');
    const r = await revoke(as(chief));
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { revoked: 2 });
    assert.equal((await whoAmI(a)).status, 401);
    assert.equal((await whoAmI(b)).status, 401);
    assert.equal((await whoAmI(chief)).status, 200, 'other users keep theirs');

    const c = await signIn(ANALYST);
    const toDispatcher = await fetch(`${url}/api/users/${ANALYST.name}`, { method: 'PATCH', ...json({ role: 'dispatcher' }, as(chief)) });
    assert.equal(toDispatcher.status, 200);
    assert.equal((await whoAmI(c)).status, 401);
    const back = await fetch(`${url}/api/users/${ANALYST.name}`, { method: 'PATCH', ...json({ role: 'analyst' }, bearer(ADMIN_TOKEN)) });
    assert.equal(back.status, 200, 'the admin token is the admin role');
    assert.equal((await fetch(`${url}/api/users/nobody/sessions`, { method: 'DELETE', headers: as(chief) })).status, 404);
  });

  test('failures lock a name (known or not, alike) and then an address; the lock passes', async () => {
    const ip = address();
    const wrong = { name: LOCKME.name, password: 'wrong-password-1' };
    const ghost = { name: 'ghost-user', password: 'wrong-password-1' };
    const answers = async (u: { name: string; password: string }) => {
      const out: Array<{ status: number; body: unknown; retry: string | null }> = [];
      for (let i = 0; i < 3; i++) {
        const r = await login(u, ip);
        out.push({ status: r.status, body: await r.json(), retry: r.headers.get('retry-after') });
      }
      return out;
    };
    const known = await answers(wrong);
    const unknown = await answers(ghost);
    assert.deepEqual(known.map((a) => a.status), [401, 401, 429]);
    assert.deepEqual(unknown, known, 'a known and an unknown name are refused alike, lock included');
    assert.equal((known[2]!.body as { error: { code: string } }).error.code, 'locked');
    assert.equal(known[2]!.retry, String(LOCK));
    const locked = await login(LOCKME, address());
    assert.equal(locked.status, 429, 'while locked the right password opens nothing, from anywhere');
    await new Promise((r) => setTimeout(r, (LOCK + 1) * 1000));
    assert.equal((await login(LOCKME, address())).status, 200, 'the lock passes');

    // One address trying many names: locked as an address, whatever the name.
    const busy = address();
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) statuses.push((await login({ name: `spray${i}`, password: 'x-wrong-password' }, busy)).status);
    assert.deepEqual(statuses, [...Array(PER_ADDRESS - 1).fill(401), 429]);
    assert.equal((await login(DUTY, busy)).status, 429, 'the locked address cannot sign in a real user');
    assert.equal((await login(DUTY, address())).status, 200, 'another address can');
  });

  test('sign-in is rate-limited per address whatever the outcome', async () => {
    const ip = address();
    let last = 0;
    for (let i = 0; i < 26; i++) last = (await login(CHIEF, ip)).status;
    assert.equal(last, 429);
  });

  test('every route checks the role server-side', async () => {
    const admin = await signIn(CHIEF);
    const disp = await signIn(DUTY);
    const ana = await signIn(ANALYST);
    type Caller = { label: string; headers: Record<string, string> };
    const callers: Caller[] = [
      { label: 'none', headers: {} },
      { label: 'wall', headers: bearer(WALL) },
      { label: 'adminToken', headers: bearer(ADMIN_TOKEN) },
      { label: 'dispatcher', headers: as(disp) },
      { label: 'analyst', headers: as(ana) },
      { label: 'admin', headers: as(admin) },
    ];
    // Expected status per caller, in the order above. 404 / 400 / 409 mean "let in, then refused for the request itself".
    const routes: Array<{ method: string; path: string; body?: unknown; expect: number[] }> = [
      { method: 'GET', path: '/api/stats/summary', expect: [401, 200, 200, 200, 200, 200] },
      { method: 'GET', path: '/api/warnings', expect: [401, 200, 200, 200, 200, 200] },
      { method: 'GET', path: '/api/region/meta', expect: [401, 200, 200, 200, 200, 200] },
      { method: 'POST', path: '/api/warnings/none/ack', body: {}, expect: [401, 401, 404, 404, 403, 404] },
      { method: 'POST', path: '/api/warnings/none/resolve', body: {}, expect: [401, 401, 404, 404, 403, 404] },
      { method: 'POST', path: '/api/ingest/police.calls', body: [], expect: [401, 401, 401, 403, 403, 403] },
      { method: 'GET', path: '/api/users', expect: [401, 401, 200, 403, 403, 200] },
      { method: 'POST', path: '/api/users', body: { name: 'x', role: 'admin', password: 'short' }, expect: [401, 401, 400, 403, 403, 400] },
      { method: 'PATCH', path: '/api/users/nobody', body: { role: 'admin' }, expect: [401, 401, 404, 403, 403, 404] },
      { method: 'DELETE', path: '/api/users/nobody/sessions', expect: [401, 401, 404, 403, 403, 404] },
      { method: 'GET', path: '/api/audit', expect: [401, 401, 200, 403, 403, 200] },
      { method: 'GET', path: '/api/audit/verify', expect: [401, 401, 200, 403, 403, 200] },
      { method: 'GET', path: '/metrics', expect: [401, 401, 200, 401, 401, 401] },
      { method: 'GET', path: '/api/session', expect: [401, 401, 401, 200, 200, 200] },
    ];
    const seen: string[] = [];
    const want: string[] = [];
    for (const r of routes) {
      for (const [i, c] of callers.entries()) {
        const init: RequestInit = r.body === undefined ? { method: r.method, headers: c.headers } : { method: r.method, ...json(r.body, c.headers) };
        const res = await fetch(`${url}${r.path}`, init);
        await res.arrayBuffer();
        seen.push(`${r.method} ${r.path} as ${c.label}: ${res.status}`);
        want.push(`${r.method} ${r.path} as ${c.label}: ${r.expect[i]}`);
      }
    }
    assert.deepEqual(seen, want);
    // The same writes by cookie without the CSRF token: refused before anything happens.
    for (const r of routes.filter((x) => x.method !== 'GET')) {
      const res = await fetch(`${url}${r.path}`, { method: r.method, ...json(r.body ?? {}, as(admin, false)) });
      assert.ok(res.status === 403, `${r.method} ${r.path} without CSRF: ${res.status}`);
    }
    const forged = await fetch(`${url}/api/users/nobody/sessions`, { method: 'DELETE', headers: { cookie: admin.cookie, 'x-csrf-token': disp.csrf } });
    assert.equal(forged.status, 403, 'another session’s CSRF token does not fit');
  });

  test('a dispatcher acknowledges and resolves a warning in their own name; an analyst cannot', async () => {
    const c = caseChange({ changedAt: new Date(Date.now() - 5000).toISOString(), risk: 'red' });
    const posted = await fetch(`${url}/api/ingest/case.status`, { method: 'POST', headers: bearer(INGEST), body: JSON.stringify([c]) });
    assert.equal(posted.status, 200);
    type W = { id: string; rule: string; evidence: string[]; status: string; acknowledgedBy: string | null };
    const list = async () => (await (await fetch(`${url}/api/warnings?status=active`, { headers: bearer(WALL) })).json()) as W[];
    const ws = await waitFor('red_case raised', list, (x) => x.some((w) => w.rule === 'red_case' && w.evidence.includes(c.caseId)), 30_000, 250);
    const w = ws.find((x) => x.rule === 'red_case' && x.evidence.includes(c.caseId))!;
    const act = (action: string, headers: Record<string, string>) => fetch(`${url}/api/warnings/${encodeURIComponent(w.id)}/${action}`, { method: 'POST', ...json({ note: '已联系网格员', by: 'someone-else' }, headers) });

    const ana = await signIn(ANALYST);
    assert.equal((await act('ack', as(ana))).status, 403);
    const disp = await signIn(DUTY);
    assert.equal((await act('ack', as(disp, false))).status, 403, 'no CSRF token, no acknowledgement');
    const ok = await act('ack', as(disp));
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as W;
    assert.equal(body.status, 'acknowledged');
    assert.equal(body.acknowledgedBy, DUTY.name, 'who acted is the signed-in user, not what the body says');
    assert.equal((await act('resolve', as(disp))).status, 200);

    const chief = await signIn(CHIEF);
    const audit = (await (await fetch(`${url}/api/audit?action=warning.ack`, { headers: as(chief) })).json()) as Array<{ actor: string; target: string; details: Record<string, unknown> }>;
    const entry = audit.find((e) => e.target === w.id)!;
    assert.equal(entry.actor, DUTY.name);
    assert.doesNotMatch(JSON.stringify(entry), /已联系网格员/, 'the note’s text stays out of the trail');
  });

  test('the audit trail records sign-ins, failures, sign-outs and user changes, and its chain holds', async () => {
    const chief = await signIn(CHIEF);
    const all = (await (await fetch(`${url}/api/audit?limit=10000`, { headers: as(chief) })).json()) as Array<{ action: string; actor: string; target: string | null; ip: string | null; hash: string; prevHash: string; details: unknown }>;
    const actions = new Set(all.map((e) => e.action));
    for (const a of ['login.success', 'login.failure', 'login.locked', 'logout', 'user.create', 'user.role', 'user.sessions_revoked', 'warning.ack', 'warning.resolve']) {
      assert.ok(actions.has(a), `audited: ${a}`);
    }
    const failure = all.find((e) => e.action === 'login.failure' && e.ip?.startsWith('198.51.100.'))!;
    assert.ok(failure, 'failures carry the source address');
    assert.ok(all.some((e) => e.action === 'login.failure' && e.actor === '(unknown)'), 'a name that is no user is not written down');
    assert.ok(!all.some((e) => /spray|ghost-user|nobody-here/.test(JSON.stringify(e))), 'mistyped names stay out of the trail');
    for (const s of secrets) assert.ok(!JSON.stringify(all).includes(s), 'no password, session id or CSRF token in the trail');
    const v = (await (await fetch(`${url}/api/audit/verify`, { headers: as(chief) })).json()) as { ok: boolean; entries: number };
    assert.equal(v.ok, true);
    assert.ok(v.entries >= all.length, `${v.entries} entries verified, ${all.length} listed`);
  });

  test('no password, session id or CSRF token in any log line', () => {
    const out = server.output();
    assert.ok(out.length > 1000, 'the server logged (LOG_LEVEL=debug)');
    for (const s of secrets) assert.ok(!out.includes(s), `a secret (${s.length} characters) appears in the server output`);
  });
});
