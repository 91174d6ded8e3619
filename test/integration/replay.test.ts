/**
 * Replay on the real server, on both stores: a known sequence posted over a past day (calls,
 * unit moves, a case turning red and raising a warning, camera alerts) and a red case last
 * week; the wall as /api/replay/frame rebuilds it at several moments against what the test
 * works out itself from the sequence; a frame equals its keyframe plus the deltas since,
 * through the shared reducer; and the state the event tables give at a keyframe equals the
 * one the deltas reduce to from an earlier keyframe (live and replay cannot disagree).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UNIT_STATUS_MOVES } from '@watchfloor/config/contracts';
import { startOfDay } from '@watchfloor/config/time';
import {
  KEYFRAME_EVERY_MS, ReplayDeltas, ReplayFrame, advanceTo, apply, keyframeAt, type WallState,
} from '@watchfloor/config/wall';
import { call, caseChange, alert, uid } from '../support/events';
import { createTempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const INGEST = 'replay-test-ingest-token';
const ADMIN = 'replay-test-admin-token';
const WALL = 'replay-test-wall-token';
const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// A day well in the past (ingest refuses events ahead of the clock), at 08:00 local; last week's
// red case six days before it.
const DAY0 = startOfDay(new Date(Date.now() - 2 * DAY), TZ).getTime();
const B = DAY0 + 8 * HOUR;
const W = B - 6 * DAY + HOUR;
const iso = (t: number) => new Date(t).toISOString();

interface Store { env: Record<string, string>; drop(): Promise<void> }

function replaySuite(label: string, store: () => Promise<Store>): void {
  describe(`replay (${label})`, () => {
    let db: Store | null = null;
    let server: RunningServer;
    let url = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-replay-'));
    const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
    const region = tongguan();
    const [u1, u2] = [region.units[0]!.id, region.units[1]!.id];
    const [cam1, cam2] = [region.cameras[0]!.id, region.cameras[1]!.id];
    const grid = (i: number) => region.grids.features[i]!.properties.code;
    const calls = [0, 10, 20, 70, 130].map((m, i) => ({ ...call({ id: uid('C'), receivedAt: iso(B + m * MIN), priority: i === 0 ? 1 : 2 }), m }));
    const k1 = uid('MD');
    const kw = uid('MD');

    const post = async (topic: string, items: unknown[]) => {
      const r = await fetch(`${url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
      assert.equal(r.status, 200, await r.clone().text());
      const out = (await r.json()) as { accepted: number; rejected: unknown[] };
      assert.deepEqual(out.rejected, [], `${topic}: all accepted`);
    };
    const get = async <T>(p: string, token = WALL): Promise<T> => {
      const r = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, await r.clone().text());
      return (await r.json()) as T;
    };
    const frame = async (t: number) => ReplayFrame.parse(await get(`/api/replay/frame?at=${iso(t)}`)).state;
    const deltas = async (from: number, to: number) => ReplayDeltas.parse(await get(`/api/replay/deltas?from=${iso(from)}&to=${iso(to)}`)).deltas;
    const unitAt = (u: string, status: string, m: number, incidentId?: string) => ({
      unitId: u, at: iso(B + m * MIN), status, position: { lon: region.units[0]!.lon, lat: region.units[0]!.lat }, ...(incidentId ? { incidentId } : {}),
    });

    before(async () => {
      db = await store();
      const env = { ...db.env, DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir };
      // Stored first with the rules off, as a back-fill is: the rules then rebuild from the store
      // at the next start, on event time. (Posted to a running engine, events days behind its
      // clock act as of now: the engine's rule for history, not replay's.)
      server = await startServer({ ...env, RULES: '0' });
      url = server.url;
      // In event-time order, as a feed delivers: last week's red case first.
      await post('case.status', [caseChange({ caseId: kw, changedAt: iso(W), status: 'registered', risk: 'red', level: 'grid', gridId: grid(11) })]);
      await post('case.status', [caseChange({ caseId: kw, changedAt: iso(W + 2 * HOUR), status: 'resolved', risk: 'red', level: 'grid', gridId: grid(11) })]);
      await post('police.calls', calls.filter((c) => c.m < 60).map(({ m: _m, ...c }) => c));
      await post('unit.status', [unitAt(u1, 'dispatched', 5, calls[0]!.id), unitAt(u1, 'on_scene', 15, calls[0]!.id), unitAt(u2, 'en_route', 25, calls[1]!.id)]);
      await post('case.status', [caseChange({ caseId: k1, changedAt: iso(B + 30 * MIN), status: 'registered', risk: 'yellow', level: 'grid', gridId: grid(12) })]);
      await post('unit.status', [unitAt(u1, 'available', 40, calls[0]!.id), unitAt(u2, 'on_scene', 50, calls[1]!.id)]);
      await post('camera.alerts', [alert({ id: uid('A'), cameraId: cam1, occurredAt: iso(B + 60 * MIN), type: 'crowd' })]);
      await post('police.calls', calls.filter((c) => c.m >= 60).map(({ m: _m, ...c }) => c));
      await post('camera.alerts', [alert({ id: uid('A'), cameraId: cam2, occurredAt: iso(B + 80 * MIN), type: 'camera_offline' })]);
      await post('case.status', [caseChange({ caseId: k1, changedAt: iso(B + 90 * MIN), status: 'escalated', risk: 'red', level: 'village', gridId: grid(12) })]);
      await post('camera.alerts', [alert({ id: uid('A'), cameraId: cam2, occurredAt: iso(B + 150 * MIN), type: 'intrusion' })]);
      await post('case.status', [caseChange({ caseId: k1, changedAt: iso(B + 240 * MIN), status: 'resolved', risk: 'red', level: 'village', gridId: grid(12) })]);
      await server.stop();
      server = await startServer(env);
      url = server.url;
      // The rules engine has stored both red-case episodes, each with its end.
      await waitFor('both red-case warnings over', async () => get<{ rule: string; status: string; resolvedAt: string | null }[]>('/api/warnings?status=all', ADMIN),
        (ws) => ws.filter((w) => w.rule === 'red_case' && w.resolvedAt !== null).length === 2, 30_000);
    });
    after(async () => {
      await server?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(rulesDir, { recursive: true, force: true });
      await db?.drop();
    });

    /** What the wall showed at B + m minutes, worked out from the sequence above. */
    function expected(m: number) {
      const t = B + m * MIN;
      const state = (i: number): string => {
        // What a unit status says of its incident is the contracts' rule (UNIT_STATUS_MOVES), not this test's.
        if (i === 0) return m >= 70 ? 'closed' : m >= 40 ? 'handled' : m >= 15 ? 'on_scene' : m >= 5 ? UNIT_STATUS_MOVES.dispatched! : 'received';
        if (i === 1) return m >= 50 ? 'on_scene' : m >= 25 ? UNIT_STATUS_MOVES.en_route! : 'received';
        return 'received';
      };
      const incidents = Object.fromEntries(calls.map((c, i) => [c.id, c.m <= m ? state(i) : undefined]).filter(([, s]) => s !== undefined));
      const units: Record<string, string> = {};
      if (m >= 5) units[u1] = m >= 40 ? 'available' : m >= 15 ? 'on_scene' : 'dispatched';
      if (m >= 25) units[u2] = m >= 50 ? 'on_scene' : 'en_route';
      const cases: Record<string, string> = {};
      if (m >= 30 && m < 240) cases[k1] = m >= 90 ? 'escalated' : 'registered';
      const alertTimes = [60, 150].filter((a) => a <= m && a >= m - 60);
      const offline = m >= 80 && m < 150 ? [cam2] : [];
      const redWarnings = m >= 90 && m < 240 ? [grid(12)] : [];
      const callsToday = calls.filter((c) => B + c.m * MIN <= t && B + c.m * MIN >= DAY0).length;
      return { incidents, units, cases, alerts: alertTimes.length, offline, redWarnings, callsToday };
    }
    const seen = (s: WallState) => ({
      incidents: Object.fromEntries(s.incidents.map((c) => [c.id, c.state])),
      units: Object.fromEntries(Object.entries(s.units).map(([id, u]) => [id, u.status])),
      cases: Object.fromEntries(Object.entries(s.cases).map(([id, c]) => [id, c.status])),
      alerts: s.alerts.length,
      offline: Object.keys(s.offlineCameras),
      redWarnings: Object.values(s.warnings).filter((w) => w.rule === 'red_case').map((w) => w.regionCode),
      callsToday: s.figures.callsToday,
    });

    test('the wall at several moments of the day is what the events say it was then', async () => {
      for (const m of [12, 35, 100, 160, 300]) {
        const s = await frame(B + m * MIN);
        assert.equal(s.at, B + m * MIN);
        assert.deepEqual(seen(s), expected(m), `at B+${m} min`);
      }
    });

    test('replaying last week shows last week’s warning, raised and over as it was', async () => {
      const during = await frame(W + HOUR);
      assert.deepEqual(Object.values(during.warnings).map((w) => [w.rule, w.regionCode, w.colour]), [['red_case', grid(11), 'red']]);
      assert.equal(Object.values(during.warnings)[0]!.raisedAt, W);
      assert.deepEqual(Object.keys(during.cases), [kw]);
      assert.deepEqual((await frame(W - MIN)).warnings, {});
      assert.deepEqual((await frame(W + 3 * HOUR)).warnings, {});
    });

    test('a frame is its keyframe plus the deltas since, through the shared reducer', async () => {
      for (const m of [12, 100, 161]) {
        const t = B + m * MIN;
        const k = keyframeAt(t);
        let s = await frame(k);
        for (const d of await deltas(k, t)) s = apply(s, d, TZ);
        assert.deepEqual(advanceTo(s, t), await frame(t), `at B+${m} min`);
      }
    });

    test('the event tables at a keyframe and the deltas reduced from an earlier one agree', async () => {
      const k0 = keyframeAt(B - 30 * MIN);
      let s = await frame(k0);
      const ds = await deltas(k0, k0 + 6 * HOUR);
      assert.ok(ds.some((d) => d.type === 'warnings') && ds.some((d) => d.type === 'figures') && ds.some((d) => d.type === 'units'));
      let i = 0;
      for (let k = k0 + KEYFRAME_EVERY_MS; k <= k0 + 6 * HOUR; k += KEYFRAME_EVERY_MS) {
        while (i < ds.length && ds[i]!.at <= k) s = apply(s, ds[i++]!, TZ);
        s = advanceTo(s, k);
        const fromTables = await frame(k);
        // The data age is the one thing told apart: it is not part of any panel's figures.
        assert.deepEqual({ ...s, newestEventAt: null }, { ...fromTables, newestEventAt: null }, `keyframe ${iso(k)}`);
      }
    });

    test('read role only, and the past only', async () => {
      assert.equal((await fetch(`${url}/api/replay/frame?at=${iso(B)}`)).status, 401);
      assert.equal((await fetch(`${url}/api/replay/frame?at=${iso(Date.now() + HOUR)}`, { headers: { authorization: `Bearer ${WALL}` } })).status, 400);
      assert.equal((await fetch(`${url}/api/replay/deltas?from=${iso(B)}&to=${iso(B + DAY)}`, { headers: { authorization: `Bearer ${WALL}` } })).status, 400);
    });
  });
}

replaySuite('embedded', async () => ({ env: {}, drop: async () => undefined }));
replaySuite('native PostgreSQL', async () => {
  const t = await createTempDatabase('replay');
  return { env: { DATABASE_URL: t.url, DB_FLAVOR: 'postgres', PHONE_HASH_KEY: 'replay-test-phone-hash-key' }, drop: () => t.drop() };
});
