/**
 * Scale-out with processes on this machine (issue 11): 2 ingest processes in one consumer
 * group and 2 web processes on one PostgreSQL database and the real Kafka broker. A mixed
 * stream of every input topic is produced; mid-stream one ingest process is killed with
 * SIGKILL (the other takes its partitions over once the group notices) and then one web
 * process (its screens, given both URLs as a reverse proxy would route them, reconnect to the
 * other and resync). Afterwards every event is stored exactly once, and every screen's state
 * — its snapshot and deltas through the shared reducer — equals a snapshot computed from the
 * database.
 *
 * Rules are off (RULES=0): warnings are derived, and this test is about the input topics'
 * path; the takeover of the rules instance is a test of its own.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import pg from 'pg';
import { prune, type WallState } from '@watchfloor/config/wall';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { loadWallState } from '../../web/src/server/live/wall-hub';
import { startDeployed, type Deployed } from '../support/deployed';
import { failoverScreen, type FailoverScreen } from '../support/failover-screen';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { mixedStream, toMessage, type StreamEvent } from '../support/mixed-stream';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';
import { waitFor } from '../support/wait';

const TZ = 'Asia/Shanghai';
const SCREENS = 6;
const PRODUCE_MS = 20_000;
const WALL = 'scale-wall-token';

let broker: KafkaBroker | null = null;
let brokers: string[];
let db: TempDatabase;
let topo: Deployed;
let producer: Producer;
const screens: FailoverScreen[] = [];
const prefix = `so${crypto.randomBytes(3).toString('hex')}.`;

before(async () => {
  brokers = process.env.TEST_KAFKA_BROKERS ? process.env.TEST_KAFKA_BROKERS.split(',') : (broker = await startKafka()).brokers;
  db = await createTempDatabase('scale_out');
  topo = await startDeployed({ brokers, databaseUrl: db.url, prefix, ingests: 2, webs: 2, tokens: { wall: WALL, ingest: 'scale-ingest-token' }, env: { RULES: '0' } });
  producer = new Kafka({ clientId: 'scale-out-test', brokers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

after(async () => {
  for (const s of screens) s.close();
  await producer?.disconnect().catch(() => undefined);
  await topo?.stop();
  await db?.drop();
  await broker?.stop();
});

interface Counts { calls: number; callIds: number; alerts: number; alertIds: number; dispatches: number; dispatchIds: number; cases: number; caseIds: number; units: number; unitIds: number; refusedUnits: number }

async function storedCounts(): Promise<Counts> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const one = async (sql: string) => (await c.query<{ n: number; d: number }>(sql)).rows[0]!;
    const calls = await one('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM calls');
    const alerts = await one('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM alerts');
    const dispatches = await one('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM dispatches');
    const cases = await one('SELECT count(*)::int AS n, count(DISTINCT (case_id, changed_at, status, level))::int AS d FROM case_events');
    const units = await one('SELECT count(*)::int AS n, count(DISTINCT (unit_id, at))::int AS d FROM unit_events');
    // A refused report is dead-lettered each time it is delivered: count each once.
    const refused = await one("SELECT count(DISTINCT payload)::int AS n, 0 AS d FROM dead_letters WHERE topic LIKE '%unit.status' AND code = 'transition'");
    return {
      calls: calls.n, callIds: calls.d, alerts: alerts.n, alertIds: alerts.d, dispatches: dispatches.n, dispatchIds: dispatches.d,
      cases: cases.n, caseIds: cases.d, units: units.n, unitIds: units.d, refusedUnits: refused.n,
    };
  } finally {
    await c.end();
  }
}

/** What of a wall state the database decides, in a form two states compare by (the figures the deltas move; the rest refresh on a timer). */
function comparable(s: WallState, now: number) {
  const p = prune(s, now);
  const sortObj = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    incidents: [...p.incidents].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ id: c.id, t: c.t, state: c.state, gridId: c.gridId, category: c.category, closesAt: c.closesAt ?? null })),
    gridCalls: sortObj(p.gridCalls),
    cases: sortObj(p.cases),
    units: sortObj(p.units),
    offlineCameras: sortObj(p.offlineCameras),
    alerts: p.alerts.map((a) => a.id).sort(),
    figures: { dayStart: p.figures.dayStart, callsToday: p.figures.callsToday, callsByHourToday: p.figures.callsByHourToday, byCategoryToday: sortObj(p.figures.byCategoryToday) },
  };
}

async function databaseState(now: number) {
  const store = await openPg(db.url, 'auto', 2);
  try {
    return comparable(await loadWallState(store, tongguan(), TZ, 'db', new Date(now)), now);
  } finally {
    await store.close();
  }
}

/** The first difference between two comparable states, for the failure message. */
function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${at}: screen ${JSON.stringify(a)} vs database ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return `${at}: differs`;
}

test('2 ingest + 2 web processes: an ingest and a web process killed mid-stream, every event stored once, every screen equal to the database', async () => {
  const urls = topo.webs.map((w) => w.url);
  for (let i = 0; i < SCREENS; i++) screens.push(failoverScreen(urls, WALL, { first: i % urls.length }));
  await waitFor('every screen holds a snapshot', async () => screens.filter((s) => s.state() !== null).length, (n) => n === SCREENS, 30_000);

  const stream: StreamEvent[] = mixedStream({ now: Date.now() - 5000, prefix: `${prefix.slice(0, -1)}-`, calls: 3000, cases: 300, alerts: 800 });
  const produced: Record<string, number> = {};
  for (const e of stream) produced[e.event.topic] = (produced[e.event.topic] ?? 0) + 1;
  const unitIdentities = new Set(stream.filter((e) => e.event.topic === 'unit.status').map((e) => {
    const v = e.event.value as { unitId: string; at: string };
    return `${v.unitId}|${Date.parse(v.at)}`;
  }));
  assert.equal(unitIdentities.size, produced['unit.status'], 'the stream itself has no two unit reports of one identity');

  const BATCH = 50;
  const batches = Math.ceil(stream.length / BATCH);
  const killIngestAt = Math.floor(batches * 0.3);
  const killWebAt = Math.floor(batches * 0.65);
  const onWeb0 = screens.filter((s) => s.connectedTo() === 0);
  assert.ok(onWeb0.length > 0, 'some screens are on the web process to be killed');
  // A burst before the ingest kill, so that the kill lands while both consumers work through a
  // backlog (batches fetched, being stored), not in a quiet moment between two small batches.
  const burstEnd = killIngestAt + Math.floor(batches * 0.2);
  let storedAtIngestKill: Counts | null = null;
  const send = async (b: number) => {
    const chunk = stream.slice(b * BATCH, (b + 1) * BATCH);
    const byTopic = new Map<string, StreamEvent[]>();
    for (const e of chunk) byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, es]) => ({ topic: prefix + topic, messages: es.map(toMessage) })) });
  };
  const t0 = Date.now();
  for (let b = 0; b < batches; b++) {
    const due = t0 + (b * PRODUCE_MS) / batches;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (b === killIngestAt) {
      const before = await storedCounts();
      await Promise.all(Array.from({ length: burstEnd - b }, (_, k) => send(b + k)));
      // Killed once the backlog is being stored: some of it in, most of it not yet.
      storedAtIngestKill = await waitFor('the burst being stored', storedCounts, (c) => c.calls + c.alerts + c.cases > before.calls + before.alerts + before.cases + 50, 30_000, 20);
      await topo.ingests[0]!.kill();
      b = burstEnd - 1;
      continue;
    }
    if (b === killWebAt) await topo.webs[0]!.stop('SIGKILL');
    await send(b);
  }
  const ingestKill = storedAtIngestKill!;
  assert.ok(ingestKill.calls + ingestKill.units > 0, 'the ingest process was killed while storing, not before');

  // The survivor takes the dead member's partitions once the group's session times out (30 s).
  const expectStored = (c: Counts) => c.calls === produced['police.calls'] && c.alerts === produced['camera.alerts'] && c.cases === produced['case.status']
    && c.dispatches === produced['dispatch.commands'] && c.units + c.refusedUnits === produced['unit.status'];
  const counts = await waitFor('every produced event stored', storedCounts, expectStored, 90_000, 1000).catch(async (err: Error) => {
    throw new Error(`${err.message}\nproduced ${JSON.stringify(produced)}\n--- surviving ingest ---\n${topo.ingests[1]!.output().slice(-2000)}`);
  });
  assert.equal(counts.callIds, counts.calls, 'no call stored twice');
  assert.equal(counts.alertIds, counts.alerts, 'no alert stored twice');
  assert.equal(counts.dispatchIds, counts.dispatches, 'no dispatch stored twice');
  assert.equal(counts.caseIds, counts.cases, 'no case change stored twice');
  assert.equal(counts.unitIds, counts.units, 'no unit report stored twice');
  assert.ok(counts.units > 0.8 * produced['unit.status']!, `most unit reports are stored (${counts.units} stored, ${counts.refusedUnits} refused)`);

  // Every screen converges on the database (the figures the deltas move are checked too; the
  // server's figures refresh every 30 s may be needed to settle a call counted across a refresh).
  const settled = await waitFor('every screen equal to the database', async () => {
    const now = Date.now();
    const want = await databaseState(now);
    return screens.map((s, i) => {
      const st = s.state();
      const d = st ? firstDifference(comparable(st, now), want) : 'no state';
      return d ? `screen ${i} (on web ${s.connectedTo()}): ${d}` : null;
    }).filter((x) => x !== null);
  }, (diffs) => diffs.length === 0, 60_000, 1000).catch((err: Error) => { throw new Error(err.message.slice(0, 3000)); });
  assert.deepEqual(settled, []);

  for (const s of onWeb0) {
    assert.equal(s.connectedTo(), 1, 'a screen of the killed web process is on the other one');
    assert.ok(s.counters.reconnects >= 1 && s.counters.snapshots >= 2, `it reconnected and resynced (${JSON.stringify(s.counters)})`);
  }
  console.log(`scale-out: ${stream.length} events (${JSON.stringify(produced)}) in ${PRODUCE_MS / 1000} s; ingest killed after ${ingestKill.calls} calls stored, `
    + `web killed with ${onWeb0.length} of ${SCREENS} screens on it; stored once: ${JSON.stringify(counts)}; screens: ${screens.map((s) => JSON.stringify(s.counters)).join(' ')}`);
});
