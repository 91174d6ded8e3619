/**
 * The console's reads of one incident on the real server, embedded and on native PostgreSQL:
 *   GET /api/incidents/<id> — the card: a near alert listed and a far (or out-of-time) one not;
 *     a case in the call's grid and not one far away or long closed; earlier calls of the same
 *     phone (same keyed hash) and of the same place; the repeat-dispute warning (民转刑) the
 *     three calls of one phone raise; the timeline of an assignment and a field report; the
 *     wall token refused; no clear phone number anywhere in the answer.
 *   GET /api/incidents/response-times — exact p50/p90 of known intervals, the expected figures
 *     computed here by linear interpolation, today and this week, with incidents either side of
 *     local midnight and of Monday 00:00.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, caseChange, uid } from '../support/events';
import { createTempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';
import { CLEAR_MOBILE } from '../support/privacy';

const INGEST = 'card-test-ingest-token';
const ADMIN = 'card-test-admin-token';
const WALL = 'card-test-wall-token';
const DUTY = { name: 'duty-c', password: 'duty-c-password-1' };
const ANALYST = { name: 'analyst-c', password: 'analyst-c-password-1' };
const PHONE_X = '13911112222';
const PHONE_Y = '13733334444';
const PHONE_Z = '13655556666';
const MIN = 60_000;
const DAY = 86_400_000;
const CN = 8 * 3600_000; // Asia/Shanghai, the default TZ_CENTER: UTC+8 all year

interface Signed { cookie: string; csrf: string }
interface Card {
  incident: { id: string; status: string; summary: string; callerMasked: string | null; enRouteAt: string | null; assignedUnitId: string | null };
  timeline: Array<{ at: string; kind: string; status: string | null; unitId: string | null; by: string | null }>;
  fusion: {
    alerts: Array<{ id: string; distanceM: number }>;
    cases: Array<{ caseId: string; distanceM: number | null }>;
    sameCaller: Array<{ id: string }>;
    samePlace: Array<{ id: string; distanceM: number }>;
  };
  criminalRisk: { flagged: boolean; warningIds: string[] };
}
interface Pct { n: number; p50S: number | null; p90S: number | null }
interface Period { from: string; to: string; toDispatch: Pct; toArrive: Pct; onScene: Pct }

/** Offsets a point by metres north and east (small distances). */
const moved = (p: { lon: number; lat: number }, north: number, east: number) => ({
  lon: p.lon + east / (111_320 * Math.cos((p.lat * Math.PI) / 180)), lat: p.lat + north / 110_540,
});
const km = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => Math.hypot((a.lon - b.lon) * 94, (a.lat - b.lat) * 110.5);

/** Percentile by linear interpolation between closest ranks (what percentile_cont means), written here independently. */
function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Where the server keeps its data: embedded PGlite, or a fresh database on the native PostgreSQL. */
interface Store { env: Record<string, string>; drop(): Promise<void> }

function cardSuite(label: string, store: () => Promise<Store>): void {
describe(`incident card and response times (${label})`, () => {
  let db: Store | null = null;
  let server: RunningServer;
  let url = '';
  let duty: Signed;
  let analyst: Signed;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-card-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const region = tongguan();

  // Three places far apart, in three towns: the card's incident, the response-time incidents, a control.
  const camP = region.cameras[0]!;
  const camRT = region.cameras.find((c) => c.townCode !== camP.townCode && km(c, camP) > 5)!;
  const camD = region.cameras.find((c) => c.townCode !== camP.townCode && c.townCode !== camRT.townCode && km(c, camP) > 5 && km(c, camRT) > 5)!;
  const P = { lon: camP.lon, lat: camP.lat };
  const farGrid = region.grids.features.find((f) => {
    const cam = region.cameras.find((c) => c.gridId === f.properties.code);
    return cam && km(cam, camP) > 5 && km(cam, camD) > 5;
  })!.properties.code;

  const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const as = (s: Signed, withCsrf = true): Record<string, string> => ({ cookie: s.cookie, ...(withCsrf ? { 'x-csrf-token': s.csrf } : {}) });
  async function signIn(u: { name: string; password: string }): Promise<Signed> {
    const r = await fetch(`${url}/api/auth/login`, { method: 'POST', ...json({ username: u.name, password: u.password }) });
    assert.equal(r.status, 200, await r.clone().text());
    const { csrfToken } = (await r.json()) as { csrfToken: string };
    return { cookie: r.headers.getSetCookie().find((c) => c.startsWith('wf_session='))!.split(';')[0]!, csrf: csrfToken };
  }
  const post = async (topic: string, items: unknown[]) => {
    const r = await fetch(`${url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    const body = JSON.parse(text) as { accepted?: number; rejected?: unknown[] };
    assert.ok(!body.rejected?.length, `${topic}: ${JSON.stringify(body)}`);
  };
  const iso = (t: number) => new Date(t).toISOString();

  // The card's incident C (now − 5 min, phone X, a dispute at P) and what belongs with it, or not.
  const t0 = Date.now() - 5 * MIN;
  const ids = {
    C: uid('C'), c1: uid('C'), c2: uid('C'), old: uid('C'), S: uid('C'), D: uid('C'),
    nearAlert: uid('A'), farAlert: uid('A'), lateAlert: uid('A'),
    nearCase: uid('MD'), farCase: uid('MD'), closedCase: uid('MD'),
  };

  before(async () => {
    db = await store();
    server = await startServer({
      ...db.env, DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir,
      LOGIN_RATE_LIMIT: '100', MAX_EVENT_SKEW_SECONDS: '86400',
    });
    url = server.url;
    for (const [u, role] of [[DUTY, 'dispatcher'], [ANALYST, 'analyst']] as const) {
      const r = await fetch(`${url}/api/users`, { method: 'POST', ...json({ name: u.name, role, password: u.password }, { authorization: `Bearer ${ADMIN}` }) });
      assert.equal(r.status, 201, await r.text());
    }
    [duty, analyst] = [await signIn(DUTY), await signIn(ANALYST)];

    const at = (p: { lon: number; lat: number }, address = '某路1号') => ({ lon: p.lon, lat: p.lat, address });
    // In event order, so the repeat-dispute rule sees the phone's three disputes as they came.
    await post('police.calls', [
      call({ id: ids.old, receivedAt: iso(t0 - 100 * DAY), category: 'dispute.neighbor', callerPhone: PHONE_X, location: at(moved(P, 0, 1000)) }),
    ]);
    await post('police.calls', [
      call({ id: ids.S, receivedAt: iso(t0 - 3 * 60 * MIN), category: 'help', callerPhone: PHONE_Y, location: at(moved(P, 30, 0)) }),
      call({ id: ids.c1, receivedAt: iso(t0 - 2 * 60 * MIN), category: 'dispute.neighbor', callerPhone: PHONE_X, location: at(moved(P, 0, 1000)) }),
      call({ id: ids.c2, receivedAt: iso(t0 - 60 * MIN), category: 'dispute.neighbor', callerPhone: PHONE_X, location: at(moved(P, 0, 1000)) }),
      call({
        id: ids.C, receivedAt: iso(t0), category: 'dispute.neighbor', priority: 1, callerPhone: PHONE_X, location: at(P, '城关镇某村3组'),
        summary: `邻居再次争吵，对方电话${PHONE_Z}，报警人要求出警`,
      }),
      call({ id: ids.D, receivedAt: iso(t0 + MIN), category: 'traffic', callerPhone: PHONE_Z, location: at(camD) }),
    ]);
    await post('camera.alerts', [
      { id: ids.nearAlert, cameraId: camP.id, occurredAt: iso(t0 - 30 * MIN), type: 'fight', confidence: 0.9, location: moved(P, 200, 0) },
      { id: ids.farAlert, cameraId: camP.id, occurredAt: iso(t0 - 10 * MIN), type: 'fight', confidence: 0.9, location: moved(P, 2000, 0) },
      { id: ids.lateAlert, cameraId: camP.id, occurredAt: iso(t0 - 3 * 60 * MIN), type: 'crowd', confidence: 0.9, location: moved(P, 100, 0) },
    ]);
    await post('case.status', [
      caseChange({ caseId: ids.nearCase, changedAt: iso(t0 - DAY), status: 'mediating', gridId: camP.gridId, relatedCallId: ids.c1 }),
      caseChange({ caseId: ids.farCase, changedAt: iso(t0 - DAY), status: 'mediating', gridId: farGrid }),
      caseChange({ caseId: ids.closedCase, changedAt: iso(t0 - 60 * DAY), status: 'closed', gridId: camP.gridId }),
    ]);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
    await db?.drop();
  });

  const card = async (id: string, headers: Record<string, string>) => fetch(`${url}/api/incidents/${encodeURIComponent(id)}`, { headers });

  test('who may read a card: people and the admin token, not the wall token nor a stranger', async () => {
    assert.equal((await card(ids.C, { authorization: `Bearer ${WALL}` })).status, 401);
    assert.equal((await card(ids.C, {})).status, 401);
    assert.equal((await card(ids.C, as(analyst, false))).status, 200);
    assert.equal((await card(ids.C, { authorization: `Bearer ${ADMIN}` })).status, 200);
    assert.equal((await card('no-such-call', as(duty, false))).status, 404);
  });

  test('fusion: the near alert and case, earlier calls of the phone and of the place, and 民转刑', async () => {
    // The rule runs after the store: the card's flag follows the warning it raises.
    const warnings = await waitFor('the repeat-dispute warning', async () => {
      const r = await fetch(`${url}/api/warnings?status=all`, { headers: { authorization: `Bearer ${ADMIN}` } });
      return ((await r.json()) as Array<{ id: string; rule: string; evidence: string[] }>).filter((w) => w.rule === 'repeat_dispute' && w.evidence.includes(ids.C));
    }, (ws) => ws.length > 0, 30_000, 250);
    const r = await card(ids.C, as(duty, false));
    assert.equal(r.status, 200);
    const text = await r.text();
    const c = JSON.parse(text) as Card;
    assert.deepEqual(c.fusion.alerts.map((a) => a.id), [ids.nearAlert], 'the near alert only (not 2 km away, not 3 h before)');
    assert.ok(Math.abs(c.fusion.alerts[0]!.distanceM - 200) <= 5, `near alert ~200 m, got ${c.fusion.alerts[0]!.distanceM}`);
    assert.deepEqual(c.fusion.cases.map((k) => k.caseId), [ids.nearCase], 'the open case of the grid only');
    assert.deepEqual(c.fusion.sameCaller.map((k) => k.id), [ids.c2, ids.c1], 'the phone\'s earlier calls, nearest in time first, not 100 days back');
    assert.deepEqual(c.fusion.samePlace.map((k) => k.id), [ids.S], 'the call 30 m away, not the phone\'s calls 1 km away');
    assert.ok(Math.abs(c.fusion.samePlace[0]!.distanceM - 30) <= 2);
    assert.equal(c.criminalRisk.flagged, true);
    assert.deepEqual(c.criminalRisk.warningIds, warnings.map((w) => w.id));
    // Masked: the summary's number and the caller's; no eleven-digit mobile number anywhere.
    assert.doesNotMatch(text, CLEAR_MOBILE, 'no clear phone number in the card');
    assert.ok(!text.includes(PHONE_X.slice(3, 7)) || c.incident.callerMasked?.includes('****'));
    assert.match(c.incident.callerMasked ?? '', /^139\*+2222$/);
    assert.ok(c.incident.summary.includes('邻居再次争吵'));

    const d = (await (await card(ids.D, as(duty, false))).json()) as Card;
    assert.deepEqual([d.fusion.alerts, d.fusion.cases, d.fusion.sameCaller, d.fusion.samePlace], [[], [], [], []], 'the control incident has nothing near');
    assert.equal(d.criminalRisk.flagged, false);
  });

  test('timeline: received, the console\'s assignment (by whom), the field\'s report; en route time', async () => {
    const unit = region.units[0]!;
    await post('unit.status', [{ unitId: unit.id, at: iso(Date.now() - 1000), status: 'available', position: { lon: unit.lon, lat: unit.lat } }]);
    const a = await fetch(`${url}/api/incidents/${ids.C}/assign`, { method: 'POST', ...json({ unitId: unit.id }, as(duty)) });
    assert.equal(a.status, 200, await a.clone().text());
    const enRoute = Date.now() + 500;
    await post('unit.status', [{ unitId: unit.id, at: iso(enRoute), status: 'en_route', incidentId: ids.C, position: { lon: unit.lon, lat: unit.lat } }]);
    const c = await waitFor('the field report on the card', async () => (await (await card(ids.C, as(duty, false))).json()) as Card,
      (k) => k.timeline.some((e) => e.kind === 'unit_status'), 10_000, 200);
    assert.deepEqual(c.timeline.map((e) => e.kind), ['received', 'assigned', 'unit_status']);
    assert.equal(c.timeline[1]!.by, DUTY.name);
    assert.equal(c.timeline[1]!.unitId, unit.id);
    assert.equal(c.timeline[2]!.status, 'en_route');
    assert.equal(c.incident.enRouteAt, iso(enRoute));
    assert.equal(c.incident.assignedUnitId, unit.id);
  });

  test('response times: exact p50/p90 of known intervals, today and this week, either side of midnight and Monday', async () => {
    const nowMs = Date.now();
    // Local midnight and Monday 00:00 in UTC+8, computed here without the server's helpers.
    const midnight = Math.floor((nowMs + CN) / DAY) * DAY - CN;
    const weekday = (new Date(midnight + CN).getUTCDay() + 6) % 7; // 0 = Monday
    const monday = midnight - weekday * DAY;
    // Too close after midnight for today's incidents to lie between it and now: wait it out.
    if (nowMs - midnight < 5 * MIN) await new Promise((r) => setTimeout(r, midnight + 5 * MIN - nowMs));
    const units = region.units.slice(10);
    type Spec = { received: number; d: number; a: number | null; s: number | null };
    const today: Spec[] = [[30, 200, 600], [45, 180, null], [60, 300, 900], [90, 400, 1200], [120, 500, 300], [300, 900, 60], [600, null, null]]
      .map(([d, a, s], i) => ({ received: midnight + 60_000 + i * 7_000, d: d!, a: a ?? null, s: s ?? null }));
    const yesterday: Spec = { received: midnight - 60_000, d: 20, a: 100, s: 50 };
    const mondayJust: Spec = { received: monday + 30_000, d: 40, a: 150, s: 70 };
    const sundayBefore: Spec = { received: monday - 30_000, d: 1000, a: 5000, s: 9000 };
    const specs = [...today, yesterday, mondayJust, sundayBefore];
    const calls = specs.map((sp) => ({ sp, id: uid('C') }));
    await post('police.calls', calls.map(({ sp, id }) => call({ id, receivedAt: iso(sp.received), category: 'traffic', callerPhone: undefined, location: { lon: camRT.lon, lat: camRT.lat } })));
    const events = calls.flatMap(({ sp, id }, i) => {
      const u = units[i % units.length]!.id;
      return [
        { unitId: u, at: iso(sp.received + sp.d * 1000), status: 'dispatched', incidentId: id },
        ...(sp.a !== null ? [{ unitId: u, at: iso(sp.received + sp.a * 1000), status: 'on_scene', incidentId: id }] : []),
        ...(sp.a !== null && sp.s !== null ? [{ unitId: u, at: iso(sp.received + (sp.a + sp.s) * 1000), status: 'available', incidentId: id }] : []),
      ];
    });
    await post('unit.status', events);

    const inWeek = (sp: Spec) => sp.received >= monday;
    const expect = (set: Spec[]) => {
      const d = set.map((x) => x.d);
      const a = set.flatMap((x) => (x.a !== null ? [x.a] : []));
      const s = set.flatMap((x) => (x.a !== null && x.s !== null ? [x.s] : []));
      const pc = (v: number[]): Pct => ({ n: v.length, p50S: percentile(v, 0.5), p90S: percentile(v, 0.9) });
      return { toDispatch: pc(d), toArrive: pc(a), onScene: pc(s) };
    };
    const wantToday = expect(specs.filter((sp) => sp.received >= midnight));
    // Yesterday belongs to this week unless today is Monday; Monday's first minute always does, Sunday's last never.
    const wantWeek = expect(specs.filter(inWeek));
    const got = await waitFor('the intervals stored', async () => {
      const r = await fetch(`${url}/api/incidents/response-times?town=${camRT.townCode}`, { headers: { authorization: `Bearer ${WALL}` } });
      assert.equal(r.status, 200);
      return (await r.json()) as { today: Period; week: Period };
    }, (g) => g.today.onScene.n === wantToday.onScene.n && g.week.onScene.n === wantWeek.onScene.n, 10_000, 200);
    const close = (g: Pct, w: Pct, what: string) => {
      assert.equal(g.n, w.n, `${what} n`);
      for (const k of ['p50S', 'p90S'] as const) {
        if (w[k] === null) assert.equal(g[k], null, `${what} ${k}`);
        else assert.ok(g[k] !== null && Math.abs(g[k]! - w[k]!) < 1e-6, `${what} ${k}: got ${g[k]}, want ${w[k]}`);
      }
    };
    for (const k of ['toDispatch', 'toArrive', 'onScene'] as const) {
      close(got.today[k], wantToday[k], `today ${k}`);
      close(got.week[k], wantWeek[k], `week ${k}`);
    }
    assert.equal(Date.parse(got.today.from), midnight);
    assert.equal(Date.parse(got.week.from), monday);
  });
});
}

cardSuite('embedded', async () => ({ env: {}, drop: async () => undefined }));
cardSuite('native PostgreSQL', async () => {
  const t = await createTempDatabase('card');
  return { env: { DATABASE_URL: t.url, DB_FLAVOR: 'postgres', PHONE_HASH_KEY: 'card-test-phone-hash-key' }, drop: () => t.drop() };
});
