/**
 * Deployed, a call's dispatch and its unit's reports can reach the wall hub before the call
 * itself (stored by another ingest process, whose delta comes later). The screens must still
 * end with the incident moved: the hub holds such moves back and emits them again right
 * after the call's delta, and a screen reducing the hub's deltas gets the same state as the hub.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { localDeltaSink, type DeltaSink } from '@watchfloor/ingest/live/delta-sink';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPg } from '@watchfloor/ingest/store/pg-db';
import { startWallHub, type WallHub } from '../../web/src/server/live/wall-hub';
import { createTempDatabase, type TempDatabase } from '../support/postgres';
import { tongguan } from '../support/region';

const TZ = 'Asia/Shanghai';
let tmp: TempDatabase;
let db: Db;
let sink: DeltaSink;
let hub: WallHub;

before(async () => {
  tmp = await createTempDatabase('hub_early');
  db = await openPg(tmp.url, 'auto', 2);
  await migrate(db, { tz: TZ });
  sink = localDeltaSink();
  hub = await startWallHub({ db, region: tongguan(), tz: TZ, deltas: sink, log: () => undefined });
});
after(async () => {
  await hub?.stop();
  await db?.close();
  await tmp?.drop();
});

test('a dispatch and a unit report heard before their call still move the incident, on the hub and on a screen', async () => {
  let screen: WallState = hub.snapshot();
  hub.onDelta((d: WallDelta) => { screen = apply(screen, d, TZ); });
  const t = Date.now() - 120_000;
  const u = tongguan().units[0]!;
  await sink.publish({ type: 'dispatches', items: [{ incidentId: 'EARLY-1', unitId: u.id, t: t + 10_000 }] });
  await sink.publish({ type: 'units', items: [{ unitId: u.id, t: t + 20_000, status: 'en_route', lon: u.lon, lat: u.lat, incidentId: 'EARLY-1' }] });
  await sink.publish({ type: 'calls', items: [{ id: 'EARLY-1', t, category: 'traffic', priority: 2, lon: u.lon, lat: u.lat, gridId: null, townCode: null, state: 'received' }] });
  const held = hub.snapshot().incidents.find((c) => c.id === 'EARLY-1');
  assert.equal(held?.state, 'en_route', 'the hub holds the incident moved');
  assert.equal(screen.incidents.find((c) => c.id === 'EARLY-1')?.state, 'en_route', 'so does a screen reducing its deltas');
  assert.equal(screen.units[u.id]?.incidentId, 'EARLY-1');
  assert.deepEqual(screen.incidents, hub.snapshot().incidents);
});
