/**
 * Two writers meeting on one incident from two sides, in overlapping transactions (as two
 * ingest processes, or two partitions of one, store a call and its dispatch or unit report at
 * once): the call's batch is held open after its writes, and the dispatch's or the unit
 * report's batch runs meanwhile. Whichever commits last, the incident must end with the step
 * the other stored. Before the incident locks (store/incident-locks.ts) neither transaction saw the
 * other's rows and the incident stayed "received" (found by the scale-out test, where the
 * wall's reducer had it closed).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPipeline, type Pipeline } from '@watchfloor/ingest/pipeline/pipeline';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { Db, Queryable } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { call, dispatch, uid, unitStatus } from '../support/events';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan, tongguanGrids } from '../support/region';

let tmp: TempDatabase;
let db: Db;

/** The same store, but a transaction that has done its work waits for `hold` before it commits. */
function holdingCommits(inner: Db, hold: () => Promise<void> | null): Db {
  return Object.assign(Object.create(inner) as Db, {
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => inner.transaction(async (tx) => {
      const out = await fn(tx);
      await hold();
      return out;
    }),
  });
}

function pipelineOn(store: Db): Pipeline {
  return createPipeline({ db: store, ctx: { region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('race-test-key-0123456789') }, log: () => undefined });
}

before(async () => {
  tmp = await createTempDatabase('incident_race');
  db = await openPg(tmp.url, 'auto', 4);
  await migrate(db, { tz: 'Asia/Shanghai' });
});
after(async () => {
  await db?.close();
  await tmp?.drop();
});

async function incident(id: string) {
  const { rows } = await db.query<{ dispatched_at: Date | null; en_route_at: Date | null; unit_id: string | null }>('SELECT dispatched_at, en_route_at, unit_id FROM incidents WHERE call_id = $1', [id]);
  return rows[0];
}

/** Stores `first` with its commit held open while `second` is stored; then lets it commit. */
async function overlapped(first: (p: Pipeline) => Promise<unknown>, second: (p: Pipeline) => Promise<unknown>): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let holding = true;
  let held!: () => void;
  const reached = new Promise<void>((r) => { held = r; });
  const slow = pipelineOn(holdingCommits(db, () => {
    if (!holding) return null;
    holding = false;
    held();
    return gate;
  }));
  const a = first(slow);
  await reached;
  // The second writer either runs to its commit now (no lock) or waits for the first (lock):
  // give it the time to do the former before the first commits.
  const b = second(pipelineOn(db));
  await Promise.race([b, new Promise((r) => setTimeout(r, 1000))]);
  release();
  await Promise.all([a, b]);
}

test('a call and its dispatch stored at once: the incident is dispatched', async () => {
  const c = call({ id: uid('C'), receivedAt: new Date(Date.now() - 60_000).toISOString() });
  const unit = tongguan().units[1]!.id;
  const d = dispatch({ incidentId: c.id, unitId: unit, at: new Date(Date.now() - 30_000).toISOString() });
  await overlapped((p) => p.process('police.calls', [{ value: JSON.stringify(c) }], 'kafka'), (p) => p.process('dispatch.commands', [{ value: JSON.stringify(d) }], 'kafka'));
  const row = await incident(c.id);
  assert.ok(row?.dispatched_at, `the incident has its dispatch (${JSON.stringify(row)})`);
  assert.equal(row.unit_id, unit);
});

test('a call and its unit report stored at once: the incident is en route', async () => {
  const c = call({ id: uid('C'), receivedAt: new Date(Date.now() - 60_000).toISOString() });
  const u = tongguan().units[2]!;
  const t = Date.now() - 50_000;
  // The unit is sent on the call first (so the report is a move the rules allow), the call's
  // batch and the report's then overlap.
  await pipelineOn(db).process('dispatch.commands', [{ value: JSON.stringify(dispatch({ incidentId: c.id, unitId: u.id, at: new Date(t).toISOString() })) }], 'kafka');
  const r = unitStatus({ unitId: u.id, at: new Date(t + 10_000).toISOString(), status: 'en_route', incidentId: c.id });
  await overlapped((p) => p.process('police.calls', [{ value: JSON.stringify(c) }], 'kafka'), async (p) => {
    const out = await p.process('unit.status', [{ value: JSON.stringify(r) }], 'kafka');
    assert.equal(out.accepted, 1, JSON.stringify(out));
  });
  const row = await incident(c.id);
  assert.ok(row?.en_route_at, `the incident has its unit's report (${JSON.stringify(row)})`);
});
