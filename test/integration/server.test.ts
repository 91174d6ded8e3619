/**
 * The whole system as `npm start` runs it (embedded TimescaleDB, in-process bus, web):
 * health, HTTP ingest with its error answers, the summary API, persistence across a
 * restart, and the simulator feeding the county.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alert, call, caseChange } from '../support/events';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const TOKEN = 'server-test-ingest-token';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-server-'));
const WALL = 'server-test-wall-token';
const env = { DATA_DIR: dataDir, INGEST_TOKEN: TOKEN, WALL_TOKEN: WALL, SIMULATE: '0', INGEST_MAX_BYTES: '300000' };
const read = { headers: { authorization: `Bearer ${WALL}` } };

async function post(s: RunningServer, topic: string, body: string, token: string | null = TOKEN) {
  const res = await fetch(`${s.url}/api/ingest/${topic}`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('npm start (embedded mode)', () => {
  let server: RunningServer;
  const calls = [call({ receivedAt: '2026-11-21T09:00:00+08:00' }), call({ receivedAt: '2026-11-21T10:00:00+08:00', category: 'fraud' })];
  const range = 'from=2026-11-21T00:00:00%2B08:00&to=2026-11-22T00:00:00%2B08:00';

  before(async () => { server = await startServer(env); });
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('health is ok with the embedded store and bus', async () => {
    const res = await fetch(`${server.url}/api/health`, read);
    assert.equal(res.status, 200);
    const h = (await res.json()) as { status: string; db: { kind: string; flavor: string }; bus: { mode: string } };
    assert.equal(h.status, 'up');
    assert.deepEqual([h.db.kind, h.db.flavor, h.bus.mode], ['embedded', 'timescale', 'embedded']);
  });

  test('ingest answers 401 without the token, 404 for an unknown topic, 413 when too large', async () => {
    assert.equal((await post(server, 'police.calls', JSON.stringify([call()]), null)).status, 401);
    assert.equal((await post(server, 'police.calls', JSON.stringify([call()]), 'wrong-token-123')).status, 401);
    assert.equal((await post(server, 'police.nope', JSON.stringify([call()]))).status, 404);
    const big = JSON.stringify(Array.from({ length: 1500 }, () => call()));
    assert.ok(big.length > 300_000);
    assert.equal((await post(server, 'police.calls', big)).status, 413);
  });

  test('a JSON array and NDJSON with a bad line: accepted, duplicates and rejected by index', async () => {
    const r1 = await post(server, 'police.calls', JSON.stringify(calls));
    assert.equal(r1.status, 200);
    assert.deepEqual(r1.body, { accepted: 2, duplicates: 0, rejected: [] });
    const nd = [JSON.stringify(calls[0]), '{not json', JSON.stringify({ ...call(), category: 'x' }), JSON.stringify(alert())].join('\n');
    const r2 = await post(server, 'police.calls', nd);
    assert.equal(r2.status, 200);
    const b = r2.body as { accepted: number; duplicates: number; rejected: { index: number; reason: string }[] };
    assert.equal(b.accepted, 0);
    assert.equal(b.duplicates, 1);
    assert.deepEqual(b.rejected.map((r) => r.index), [1, 2, 3]);
    assert.match(b.rejected[0]!.reason, /not JSON/);
    assert.match(b.rejected[1]!.reason, /category/);
    const c = await post(server, 'case.status', JSON.stringify([caseChange({ changedAt: '2026-11-21T11:00:00+08:00' })]));
    assert.deepEqual(c.body, { accepted: 1, duplicates: 0, rejected: [] });
  });

  test('summary reflects what was ingested, by event time', async () => {
    const res = await fetch(`${server.url}/api/stats/summary?${range}`, read);
    assert.equal(res.status, 200);
    const s = (await res.json()) as { calls: { total: number; byCategory: Record<string, number> }; cases: { byStatus: Record<string, number>; identified: number } };
    assert.equal(s.calls.total, 2);
    assert.deepEqual(s.calls.byCategory, { traffic: 1, fraud: 1 });
    assert.deepEqual(s.cases.byStatus, { registered: 1 });
    assert.equal(s.cases.identified, 1);
    assert.equal((await fetch(`${server.url}/api/stats/summary?from=nonsense`, read)).status, 400);
    assert.equal((await fetch(`${server.url}/api/stats/summary?from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z`, read)).status, 400);
  });

  test('data survives a restart; with the simulator on, the county comes alive', async () => {
    await server.stop();
    assert.match(server.output(), /SIGTERM: stopping/, 'the server shuts down on SIGTERM (closing the store cleanly)');
    server = await startServer({ ...env, SIMULATE: '1' });
    const s = (await (await fetch(`${server.url}/api/stats/summary?${range}`, read)).json()) as { calls: { total: number } };
    assert.ok(s.calls.total >= 2, 'the two posted calls are still there');
    const h = await waitFor('simulated events in the store', async () =>
      (await (await fetch(`${server.url}/api/health`, read)).json()) as { lastEventAt: Record<string, string | null> },
    (x) => Object.values(x.lastEventAt).every((v) => v !== null), 60_000, 500);
    const newest = Date.parse(h.lastEventAt['police.calls']!);
    assert.ok(Date.now() - newest < 6 * 3_600_000, 'the simulator feeds the present, not a fixed past');
    // Pages come up a moment after the data plane (Next.js prepares last); until then a 503 with Retry-After.
    const page = await waitFor('the home page', async () => {
      const r = await fetch(`${server.url}/`);
      return { status: r.status, text: await r.text() };
    }, (p) => p.status === 200, 30_000, 300);
    // The landing page leads to the three screens.
    for (const href of ['/wall', '/console', '/briefing']) assert.match(page.text, new RegExp(`href="${href}"`));
  });
});
