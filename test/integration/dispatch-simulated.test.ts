/**
 * The embedded default a newcomer starts: with the simulator on, a unit dispatched through the
 * API travels and reports on scene, then available, naming the incident; the wall sees it.
 * SIMULATE_FIELD_SCALE shortens the field's waits; its reports carry the real clock's time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { watchWall, type WallWatcher } from '../support/wall-watcher';
import { call, uid } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const INGEST = 'dsim-test-ingest-token';
const ADMIN = 'dsim-test-admin-token';
const WALL = 'dsim-test-wall-token';

type ApiIncident = { id: string; status: string; assignedUnitId: string | null };

describe('simulated field units obey a dispatch', () => {
  let server: RunningServer;
  let wall: WallWatcher;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-dsim-'));

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '1', SIMULATE_FIELD_SCALE: '400', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL });
    wall = await watchWall(server.url, WALL, 60_000);
  });
  after(async () => {
    wall?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('assign the suggested unit: it goes on scene, then is available again', async () => {
    const t = Date.now() - 1500;
    const c = call({ id: uid('C'), receivedAt: new Date(t).toISOString(), priority: 1 });
    const posted = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify([c]) });
    assert.equal(posted.status, 200);
    const admin = { authorization: `Bearer ${ADMIN}` };
    const sug = await waitFor('suggestions', async () => (await (await fetch(`${server.url}/api/incidents/${c.id}/suggestions`, { headers: admin })).json()) as Array<{ unitId: string; stale: boolean }>,
      (s) => Array.isArray(s) && s.some((u) => !u.stale), 60_000, 500);
    const unitId = sug.find((u) => !u.stale)!.unitId;
    const r = await fetch(`${server.url}/api/incidents/${c.id}/assign`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ unitId, instruction: '请立即前往' }) });
    assert.equal(r.status, 200, await r.clone().text());
    const get = async () => ((await (await fetch(`${server.url}/api/incidents`, { headers: admin })).json()) as ApiIncident[]).find((i) => i.id === c.id);
    await waitFor('on scene', async () => (await get())?.status, (s) => s === 'on_scene' || s === 'handled', 60_000, 200);
    await waitFor('on scene on the wall', async () => wall.state()?.incidents.find((i) => i.t === t)?.state, (s) => s === 'on_scene' || s === 'handled', 20_000, 100);
    await waitFor('handled', async () => (await get())?.status, (s) => s === 'handled', 60_000, 200);
  });
});
