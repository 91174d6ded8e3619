/**
 * Warnings end to end in the embedded system: events posted to the ingest API raise
 * warnings that are stored, listed by the API and pushed to the wall; people acknowledge
 * (admin token only) and the condition clearing resolves them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { watchWall, type WallWatcher } from '../support/wall-watcher';
import { alert, call, caseChange, dispatch, someGrid, unitStatus } from '../support/events';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';
import { CLEAR_MOBILE } from '../support/privacy';

const INGEST = 'warn-test-ingest-token';
const ADMIN = 'warn-test-admin-token';
const WALL = 'warn-test-wall-token';

type ApiWarning = { id: string; rule: string; colour: string; regionCode: string; reason: string; raisedAt: string; status: string; evidence: string[] };

describe('warnings', () => {
  let server: RunningServer;
  let wall: WallWatcher;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-warn-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5' });
    wall = await watchWall(server.url, WALL);
  });
  after(async () => {
    wall?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  const post = async (topic: string, items: unknown[]) => {
    const r = await fetch(`${server.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    assert.equal(r.status, 200);
  };
  const list = async (status: string) => (await (await fetch(`${server.url}/api/warnings?status=${status}`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as ApiWarning[];

  test('a red case raises a red_case warning: stored, listed, on the wall', async () => {
    const c = caseChange({ changedAt: new Date(Date.now() - 5000).toISOString(), risk: 'red' });
    await post('case.status', [c]);
    const open = await waitFor('red_case listed', () => list('open'), (ws) => ws.some((w) => w.rule === 'red_case'), 20_000, 250);
    const w = open.find((x) => x.rule === 'red_case')!;
    assert.equal(w.colour, 'red');
    assert.equal(w.regionCode, c.gridId);
    assert.equal(w.status, 'open');
    assert.ok(w.evidence.includes(c.caseId));
    assert.ok(w.reason.length > 4);
    assert.doesNotMatch(w.reason, CLEAR_MOBILE, 'no phone number in a reason');
    await waitFor('warning on the wall', async () => wall.state()?.warnings[w.id], (x) => x !== undefined, 10_000, 100);
  });

  test('acknowledging needs the admin token; the wall token is refused', async () => {
    const [w] = (await list('open')).filter((x) => x.rule === 'red_case');
    const ack = (token: string) => fetch(`${server.url}/api/warnings/${encodeURIComponent(w!.id)}/ack`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ note: '已联系网格员', by: '值班长' }),
    });
    assert.equal((await ack(WALL)).status, 401);
    const ok = await ack(ADMIN);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as ApiWarning & { acknowledgedBy: string; note: string };
    assert.equal(body.status, 'acknowledged');
    assert.equal(body.acknowledgedBy, '值班长');
    assert.ok((await list('acknowledged')).some((x) => x.id === w!.id));
    assert.equal((await fetch(`${server.url}/api/warnings/nope/ack`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } })).status, 404);
    await waitFor('acknowledged on the wall', async () => wall.state()?.warnings[w!.id]?.status, (s) => s === 'acknowledged', 10_000, 100);
  });

  test('resolving the case resolves its warning', async () => {
    const [w] = (await list('acknowledged')).filter((x) => x.rule === 'red_case');
    await post('case.status', [caseChange({ caseId: w!.evidence[0]!, gridId: w!.regionCode, changedAt: new Date().toISOString(), risk: 'red', status: 'resolved' })]);
    await waitFor('warning resolved', () => list('resolved'), (ws) => ws.some((x) => x.id === w!.id), 20_000, 250);
    await waitFor('gone from the wall', async () => wall.state()?.warnings[w!.id], (x) => x === undefined, 10_000, 100);
  });
});

describe('grid surge against the simulated county’s history', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-surge-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '1', INGEST_TOKEN: INGEST, WALL_TOKEN: WALL, RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5' });
    // The rules start once the simulator's ten-day back-fill is stored, and rebuild from it in the background.
    await waitFor('rules running', async () => ((await (await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as { rules: { state: string } | null }).rules?.state, (s) => s === 'running', 180_000, 500);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('a burst of calls in one grid raises a red grid_surge with a plain-Chinese reason', async () => {
    const g = someGrid(40);
    const now = Date.now();
    const burst = Array.from({ length: 8 }, (_, i) => call({ receivedAt: new Date(now - (i + 1) * 60_000).toISOString(), location: { lon: g.point!.lon, lat: g.point!.lat } }));
    const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(burst) });
    assert.equal(r.status, 200);
    const list = async () => (await (await fetch(`${server.url}/api/warnings?status=active`, { headers: { authorization: `Bearer ${WALL}` } })).json()) as ApiWarning[];
    // Raised yellow at 4 calls, red at 6: the batch may be taken in before all of it is due.
    const ws = await waitFor('grid_surge raised red', list, (x) => x.some((w) => w.rule === 'grid_surge' && w.regionCode === g.props.code && w.colour === 'red'), 30_000, 250);
    const w = ws.find((x) => x.rule === 'grid_surge' && x.regionCode === g.props.code)!;
    assert.equal(w.colour, 'red');
    assert.match(w.reason, /接警 \d+ 起/);
    for (const c of burst) assert.ok(w.evidence.includes(c.id), `evidence names call ${c.id}`);
  });
});

describe('ids that carry a name and a number', () => {
  let server: RunningServer;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-ids-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const RAW = '张三 13912345678';
  const leaks = (text: string) => text.includes('张三') || text.includes('13912345678');
  let wall: WallWatcher;

  before(async () => {
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, ADMIN_TOKEN: ADMIN, WALL_TOKEN: WALL, RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5' });
    wall = await watchWall(server.url, WALL);
  });
  after(async () => {
    wall?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  const post = async (topic: string, items: unknown[]) => {
    const r = await fetch(`${server.url}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
    return { status: r.status, text: await r.text() };
  };
  const listText = async () => (await fetch(`${server.url}/api/warnings?status=all`, { headers: { authorization: `Bearer ${WALL}` } })).text();

  test('neither the name nor the number reaches the API, the wall snapshot, a delta or a log line', async () => {
    const now = Date.now();
    const g = someGrid(11);
    const cam = { lon: g.point!.lon, lat: g.point!.lat };
    // A red case and an overdue first-priority call under that id: red_case and dispatch_delay quote it.
    assert.equal((await post('case.status', [caseChange({ caseId: RAW, changedAt: new Date(now - 5000).toISOString(), risk: 'red' })])).status, 200);
    assert.equal((await post('police.calls', [call({ id: RAW, priority: 1, receivedAt: new Date(now - 10 * 60_000).toISOString(), location: cam })])).status, 200);
    assert.equal((await post('camera.alerts', [alert({ id: RAW, cameraId: RAW, occurredAt: new Date(now - 60_000).toISOString(), location: cam })])).status, 200);
    const ws = await waitFor('red_case and dispatch_delay listed', async () => JSON.parse(await listText()) as ApiWarning[],
      (x) => x.some((w) => w.rule === 'red_case') && x.some((w) => w.rule === 'dispatch_delay'), 20_000, 250);
    const text = JSON.stringify(ws);
    assert.ok(!leaks(text), `GET /api/warnings: ${text}`);
    const callRef = ws.find((w) => w.rule === 'dispatch_delay')!.evidence[0]!;
    assert.match(callRef, /^警情#[0-9a-f]{8}$/);

    // The dispatch and the unit name the call: on the wall they must still find it.
    assert.equal((await post('dispatch.commands', [dispatch({ incidentId: RAW, unitId: RAW, at: new Date(now - 5 * 60_000).toISOString() })])).status, 200);
    assert.equal((await post('unit.status', [unitStatus({ unitId: RAW, incidentId: RAW, status: 'on_scene', at: new Date(now - 60_000).toISOString() })])).status, 200);
    await waitFor('the call on scene on the wall', async () => wall.state()?.incidents.find((c) => c.id === callRef)?.state, (s) => s === 'on_scene', 20_000, 100);
    assert.ok(wall.state()!.units[Object.keys(wall.state()!.units).find((k) => wall.state()!.units[k]!.incidentId === callRef)!], 'the unit names the same call');
    assert.ok(wall.state()!.alerts.some((a) => a.id.startsWith('告警#') && a.cameraId.startsWith('设备#')));

    // A rejection that echoes an id (an unknown grid) and a fresh snapshot.
    const rej = await post('police.calls', [call({ id: 'C-ok-1', gridId: RAW })]);
    assert.ok(!leaks(rej.text), `rejection: ${rej.text}`);
    const fresh = await watchWall(server.url, WALL);
    const snap = fresh.state()!;
    fresh.close();
    assert.ok(snap.incidents.some((c) => c.id === callRef && c.state === 'on_scene'));
    assert.ok(Object.values(snap.units).some((u) => u.incidentId === callRef));
    assert.ok(!leaks(JSON.stringify(snap)), 'snapshot');

    assert.ok(wall.frames().length > 2);
    for (const f of wall.frames()) assert.ok(!leaks(f), `socket frame: ${f.slice(0, 400)}`);
    assert.ok(!leaks(await listText()));
    assert.ok(!leaks(server.output()), 'server log');
  });
});
