/**
 * A fresh start over a store that already holds weeks of events: the server answers while
 * the rules rebuild (health reports the progress), and the warnings the rebuild raises reach
 * the wall — a socket.io client ends with exactly the active warnings GET /api/warnings
 * lists. A warning stored under an id no rebuild gives (an older engine's) is resolved, not
 * shown twice. History posted while the system runs counts in the baselines at once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import type { Topic } from '@watchfloor/config/contracts';
import { apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { createPipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector, resolvePhoneKey } from '@watchfloor/ingest/pipeline/privacy';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { storeWarningChanges } from '@watchfloor/ingest/store/warnings';
import { call, caseChange, someGrid } from '../support/events';
import { tongguan, tongguanGrids } from '../support/region';
import { rulesDirWith } from '../support/rules-dir';
import { startServer, type RunningServer } from '../support/server';
import { waitFor } from '../support/wait';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INGEST = 'rebuild-test-ingest-token';
const WALL = 'rebuild-test-wall-token';
const ADMIN = 'rebuild-test-admin-token';
/** Days of the simulated county put in the store before the start (about 1,150 events a day). */
const DAYS = 20;

type Health = { rules: null | { state: string; loaded?: number; total?: number | null; openWarnings?: number; history?: number } };
type ApiWarning = { id: string; rule: string; evidence: string[]; regionCode: string; status: string; colour: string };

/** The store a restarted server finds: DAYS of the county, a red case and an overdue one still open, and a stale warning. */
async function seed(dataDir: string): Promise<{ events: number; redCase: string; staleId: string }> {
  const db = await openPglite(path.join(dataDir, 'pgdata'));
  await migrate(db, { tz: TZ });
  // The server reads the same key file, so caller hashes agree.
  const phones = phoneProtector(await resolvePhoneKey(undefined, dataDir, { hashesExist: async () => false }));
  const pipeline = createPipeline({ db, ctx: { region: tongguan(), grids: tongguanGrids(), phones }, log: () => undefined });
  const model = new CountyModel(tongguan(), 610522, TZ);
  const h1 = Math.floor(Date.now() / HOUR) - 1;
  let events = 0;
  for (let h0 = h1 - DAYS * 24; h0 < h1; h0 += 12) {
    const byTopic = new Map<Topic, unknown[]>();
    for (let h = h0; h < Math.min(h0 + 12, h1); h++) {
      for (const e of model.eventsInHour(h, false)) byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e.event.value]);
    }
    for (const [topic, values] of byTopic) events += (await pipeline.process(topic, values.map((value) => ({ value })), 'bus')).accepted;
  }
  const redCase = `MD-RED-${process.pid}`;
  const red = caseChange({ caseId: redCase, changedAt: new Date(Date.now() - 3 * HOUR).toISOString(), risk: 'red', status: 'registered' });
  await pipeline.process('case.status', [{ value: red }], 'bus');
  // An active warning for that case under an id no engine derives now (the old wall-clock one).
  const staleId = 'red_case-stale0000000000000000';
  const t = Date.now() - 2 * HOUR;
  await db.transaction((tx) => storeWarningChanges(tx, [{ kind: 'raised', warning: {
    id: staleId, rule: 'red_case', colour: 'red', regionCode: red.gridId, subject: redCase, reason: '旧的预警', evidence: [redCase], figures: {},
    raisedAt: t, updatedAt: t, status: 'raised', resolvedAt: null, acknowledgedAt: null, acknowledgedBy: null,
  } }]));
  await db.close();
  return { events, redCase, staleId };
}

describe('a fresh start over a store with weeks of events', () => {
  let server: RunningServer;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-rebuild-'));
  const rulesDir = rulesDirWith({ engine: { reorderSeconds: 1 } });
  const get = (p: string) => fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${WALL}` } });
  const active = async () => (await (await get('/api/warnings?status=active')).json()) as ApiWarning[];
  const health = async () => (await (await get('/api/health')).json()) as Health;
  let during: { ms: number; body: Health }[] = [];
  let early: Screen;

  before(async () => {
    seeded = await seed(dataDir);
    server = await startServer({ DATA_DIR: dataDir, SIMULATE: '0', INGEST_TOKEN: INGEST, WALL_TOKEN: WALL, ADMIN_TOKEN: ADMIN, RULES_DIR: rulesDir, RULES_SWEEP_SECONDS: '0.5' });
    // A wall connected from the start: its snapshot predates the rebuild.
    early = new Screen(server.url);
    const samples: { ms: number; body: Health }[] = [];
    await waitFor('rules running', async () => {
      const t0 = performance.now();
      const body = await health();
      samples.push({ ms: performance.now() - t0, body });
      return body.rules?.state;
    }, (s) => s === 'running', 300_000, 100);
    during = samples;
  });
  after(async () => {
    early?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(rulesDir, { recursive: true, force: true });
  });

  test('health answers during the rebuild and reports its progress', () => {
    const rebuilding = during.filter((s) => s.body.rules?.state === 'rebuilding');
    const slowest = Math.max(...during.map((s) => s.ms));
    console.log(`seeded ${seeded.events} events; ${during.length} health answers while starting, ${rebuilding.length} rebuilding, slowest ${slowest.toFixed(0)} ms; ${server.output().match(/\[rules\] rebuilt[^\n]*/)?.[0]}`);
    assert.ok(rebuilding.some((s) => (s.body.rules?.loaded ?? 0) > 0), 'progress reported while rebuilding');
    assert.ok(rebuilding.every((s) => s.body.rules?.total === null || (s.body.rules?.total ?? 0) >= seeded.events));
    assert.ok(slowest < 2_000, `health answered within 2 s (slowest ${slowest.toFixed(0)} ms)`);
  });

  test('the warnings the rebuild raised are on the wall, the same as GET /api/warnings; the stale one is resolved', async () => {
    const listed = await active();
    assert.ok(listed.some((w) => w.rule === 'red_case' && w.evidence.includes(seeded.redCase)), 'the red case is warned');
    assert.ok(!listed.some((w) => w.id === seeded.staleId), 'the stale id is no longer active');
    assert.equal(listed.filter((w) => w.rule === 'red_case' && w.evidence.includes(seeded.redCase)).length, 1);
    const ids = listed.map((w) => w.id).sort();
    // The screen that was there all along, through its deltas…
    await waitFor('early screen has the rebuilt warnings', async () => Object.keys(early.state?.warnings ?? {}).sort(), (w) => JSON.stringify(w) === JSON.stringify(ids), 10_000, 100);
    // …and one connecting now, from its snapshot.
    const late = new Screen(server.url);
    try {
      await waitFor('late screen snapshot', async () => late.state, (s) => s !== null, 10_000, 50);
      assert.deepEqual(Object.keys(late.state!.warnings).sort(), ids);
      for (const w of listed) assert.equal(late.state!.warnings[w.id]!.status, w.status === 'open' ? 'raised' : w.status);
    } finally {
      late.close();
    }
  });

  test('history posted while running counts at once: a burst over 28 imported days raises grid_surge', async () => {
    const g = someGrid(60);
    const point = { lon: g.point!.lon, lat: g.point!.lat };
    const now = Date.now();
    // The grid's last 28 days, one call every 3 hours (to two days ago: behind the rules' late horizon).
    const history = [];
    for (let t = now - 28 * DAY; t < now - 2 * DAY; t += 3 * HOUR) history.push(call({ receivedAt: new Date(t).toISOString(), location: point, category: 'help' }));
    const post = async (items: unknown[]) => {
      const r = await fetch(`${server.url}/api/ingest/police.calls`, { method: 'POST', headers: { authorization: `Bearer ${INGEST}` }, body: JSON.stringify(items) });
      assert.equal(r.status, 200);
    };
    await post(history);
    await waitFor('history taken in', health, (h) => (h.rules?.history ?? 0) >= history.length, 20_000, 250);
    await post(Array.from({ length: 8 }, (_, i) => call({ receivedAt: new Date(now - (i + 1) * 60_000).toISOString(), location: point, category: 'help' })));
    const ws = await waitFor('grid_surge raised', active, (x) => x.some((w) => w.rule === 'grid_surge' && w.regionCode === g.props.code), 30_000, 250);
    assert.ok(ws.some((w) => w.rule === 'grid_surge' && w.regionCode === g.props.code));
  });
});

class Screen {
  state: WallState | null = null;
  private readonly socket: Socket;
  constructor(url: string) {
    this.socket = io(url, { auth: { token: WALL }, query: { token: WALL }, transports: ['websocket'] });
    this.socket.on('connect', () => this.socket.emit('hello', this.state ? { epoch: this.state.epoch, seq: this.state.seq } : {}));
    this.socket.on('snapshot', (s: WallState) => { this.state = s; });
    const take = (d: WallDelta) => { if (this.state && d.seq === this.state.seq + 1) this.state = apply(this.state, d, TZ); };
    this.socket.on('delta', take);
    this.socket.on('deltas', (ds: WallDelta[]) => ds.forEach(take));
  }
  close() { this.socket.close(); }
}
