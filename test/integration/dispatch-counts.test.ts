/**
 * The wall's 警力调度 panel adds up (issue 8): on the real server, both stores, calls and unit
 * events move incidents through every state (some released more than 30 min ago, so closed;
 * some on scene), then for every state the wall's count (a socket client through the shared
 * reducer, dispatchCounts) equals the length of GET /api/incidents?status=<state>, and the
 * wall's available units equal GET /api/units?status=available: live, after a new screen's
 * snapshot, after a restart on the same data with nothing new, and after a console assignment.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { INCIDENT_STATES, type EventOf, type IncidentState } from '@watchfloor/config/contracts';
import type { IncidentView, UnitView } from '@watchfloor/config/dispatch';
import { dispatchCounts, type WallState } from '@watchfloor/config/wall';
import { call, uid } from '../support/events';
import { createTempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';
import { watchWall, type WallWatcher } from '../support/wall-watcher';

const INGEST = 'cnt-test-ingest-token';
const ADMIN = 'cnt-test-admin-token';
const WALL = 'cnt-test-wall-token';
const MIN = 60_000;
type Unit = EventOf<'unit.status'>;
type Figures = { incidents: Record<IncidentState, number>; available: number };

interface Store { env: Record<string, string>; drop(): Promise<void> }

function countsSuite(label: string, store: () => Promise<Store>): void {
  describe(`警力调度 counts equal the API (${label})`, () => {
    let db: Store | null = null;
    let server: RunningServer | null = null;
    let wall: WallWatcher | null = null;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-cnt-'));
    const units = tongguan().units;
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    const start = async () => {
      server = await startServer({ ...db!.env, DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES: '0' });
      wall = await watchWall(server.url, WALL);
    };
    const stop = async () => { wall?.close(); await server?.stop(); };
    const post = async (topic: string, items: unknown[]) => {
      const r = await fetch(`${server!.url}/api/ingest/${topic}`, { method: 'POST', headers: auth(INGEST), body: JSON.stringify(items) });
      assert.equal(r.status, 200, await r.clone().text());
      const out = (await r.json()) as { rejected: unknown[] };
      assert.deepEqual(out.rejected, []);
    };
    async function api(): Promise<Figures> {
      const incidents = {} as Record<IncidentState, number>;
      for (const s of INCIDENT_STATES) {
        const r = await fetch(`${server!.url}/api/incidents?status=${s}`, { headers: auth(WALL) });
        assert.equal(r.status, 200);
        incidents[s] = ((await r.json()) as IncidentView[]).length;
      }
      const u = await fetch(`${server!.url}/api/units?status=available`, { headers: auth(WALL) });
      assert.equal(u.status, 200);
      return { incidents, available: ((await u.json()) as UnitView[]).length };
    }
    const onWall = (s: WallState): Figures => ({ incidents: dispatchCounts(s), available: Object.values(s.units).filter((u) => u.status === 'available').length });
    /** The wall's figures once they settle on the API's (deltas are asynchronous), then compared. */
    async function same(what: string, w: WallWatcher = wall!): Promise<Figures> {
      const want = await api();
      const got = await waitFor(what, async () => w.state(), (s) => s !== null && JSON.stringify(onWall(s)) === JSON.stringify(want), 10_000, 100).catch(() => w.state());
      assert.deepEqual(onWall(got!), want, what);
      return want;
    }

    const callsIn: Record<string, string> = {};
    before(async () => {
      db = await store();
      await start();
      const now = Date.now();
      const at = (minutesAgo: number) => new Date(now - minutesAgo * MIN).toISOString();
      const plan: [IncidentState, number][] = [['received', 2], ['dispatched', 2], ['en_route', 2], ['on_scene', 3], ['handled', 2], ['closed', 3]];
      const calls: EventOf<'police.calls'>[] = [];
      const reports: Unit[] = [];
      const commands: EventOf<'dispatch.commands'>[] = [];
      let k = 0;
      for (const [state, n] of plan) {
        for (let i = 0; i < n; i++, k++) {
          const c = call({ id: uid('C'), receivedAt: at(120 - k), priority: 1 + (k % 3) });
          calls.push(c);
          callsIn[c.id] = state;
          if (state === 'received') continue;
          const unitId = units[k]!.id;
          const r = (status: Unit['status'], minutesAgo: number, incidentId?: string): Unit => ({
            unitId, status, at: at(minutesAgo), position: { lon: units[k]!.lon, lat: units[k]!.lat }, ...(incidentId ? { incidentId } : {}),
          });
          reports.push(r('available', 110));
          if (state === 'dispatched') { commands.push({ id: uid('D'), incidentId: c.id, unitId, by: '指挥中心', at: at(100) }); continue; }
          reports.push(r('en_route', 100, c.id));
          if (state === 'en_route') continue;
          reports.push(r('on_scene', 90, c.id));
          if (state === 'on_scene') continue;
          reports.push(r('available', state === 'closed' ? 45 : 10, c.id));
        }
      }
      // Units that only patrol: available, most of them.
      for (let i = 30; i < 40; i++) reports.push({ unitId: units[i]!.id, status: i < 37 ? 'available' : 'busy', at: at(5), position: { lon: units[i]!.lon, lat: units[i]!.lat } });
      await post('police.calls', calls);
      await post('dispatch.commands', commands);
      reports.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      await post('unit.status', reports);
    });
    after(async () => {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await db?.drop();
    });

    test('live, every state occurs and each count equals its list; available units equal the units list', async () => {
      const f = await same('live wall = API');
      for (const s of INCIDENT_STATES) assert.equal(f.incidents[s], Object.values(callsIn).filter((x) => x === s).length, `${s} count`);
      assert.equal(f.available, 2 + 3 + 7, 'the released units and the free patrols');
      // A new screen starts from the snapshot: the same figures.
      const fresh = await watchWall(server!.url, WALL);
      try { await same('snapshot = API', fresh); } finally { fresh.close(); }
    });

    test('after a restart on the same data with nothing new, the wall still equals the API', async () => {
      const before = await api();
      await stop();
      await start();
      assert.deepEqual(await same('after restart'), before);
    });

    test('after a console assignment: one fewer received and available, one more dispatched, on the wall as in the API', async () => {
      const before = await api();
      const list = (await (await fetch(`${server!.url}/api/incidents?status=received`, { headers: auth(WALL) })).json()) as IncidentView[];
      const free = (await (await fetch(`${server!.url}/api/units?status=available`, { headers: auth(WALL) })).json()) as UnitView[];
      const r = await fetch(`${server!.url}/api/incidents/${encodeURIComponent(list[0]!.id)}/assign`, {
        method: 'POST', headers: { ...auth(ADMIN), 'content-type': 'application/json' }, body: JSON.stringify({ unitId: free[0]!.unitId }),
      });
      assert.equal(r.status, 200, await r.clone().text());
      const now = await same('after assignment');
      assert.equal(now.incidents.received, before.incidents.received - 1);
      assert.equal(now.incidents.dispatched, before.incidents.dispatched + 1);
      assert.equal(now.available, before.available - 1);
      const unit = ((await (await fetch(`${server!.url}/api/units`, { headers: auth(WALL) })).json()) as UnitView[]).find((u) => u.unitId === free[0]!.unitId);
      assert.equal(unit?.status, 'dispatched');
      assert.equal(unit?.incidentId, list[0]!.id);
    });
  });
}

countsSuite('embedded', async () => ({ env: {}, drop: async () => undefined }));
countsSuite('native PostgreSQL', async () => {
  const t = await createTempDatabase('counts');
  return { env: { DATABASE_URL: t.url, DB_FLAVOR: 'postgres', PHONE_HASH_KEY: 'counts-test-phone-hash-key' }, drop: () => t.drop() };
});
