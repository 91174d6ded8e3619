/**
 * One incident-state rule (config/src/contracts/incident-states.ts) for the store and the
 * wall: the same dispatches and unit events, in scattered order over several batches, go
 * through the real pipeline into the store and, as the wall deltas of what was stored, into
 * the reducer; the snapshot query and the reducer must then agree on every incident's state,
 * now and after the 结警 quiet time has passed. Both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { INCIDENT_CLOSE_AFTER_MS, type EventOf, type IncidentState } from '@watchfloor/config/contracts';
import { apply, prune, type WallCall, type WallState } from '@watchfloor/config/wall';
import { toWallDelta } from '@watchfloor/ingest/live/wall-deltas';
import { wallIncidents } from '@watchfloor/ingest/store/queries/wall';
import { call, dispatch } from '../support/events';
import { openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';
import { tongguan } from '../support/region';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
// In the past (events ahead of the clock are refused), in a year no other test writes to.
const NOW = Date.parse('2018-06-10T14:00:00+08:00');
const iso = (t: number) => new Date(t).toISOString();

type Unit = EventOf<'unit.status'>;
const units = tongguan().units;

/** The scenario: per call, the unit events (by batch) and what state it is in at NOW. */
function scenario(ids: string[]) {
  const u = (i: number, status: Unit['status'], minutesAgo: number): Unit => ({
    unitId: units[i % units.length]!.id, at: iso(NOW - minutesAgo * MIN), status, incidentId: ids[i]!,
  });
  const batches: Unit[][] = [
    [u(2, 'en_route', 55), u(3, 'on_scene', 40), u(4, 'available', 10), u(6, 'busy', 30), u(7, 'available', 40), u(8, 'available', 5)],
    [u(3, 'en_route', 50), u(4, 'on_scene', 30), u(5, 'on_scene', 80), u(7, 'en_route', 80), u(8, 'available', 45), u(8, 'on_scene', 50)],
    [u(4, 'en_route', 50), u(5, 'available', 60), u(7, 'on_scene', 70), u(6, 'off_duty', 20)],
  ];
  const dispatches = [dispatch({ incidentId: ids[1]!, unitId: units[1]!.id, at: iso(NOW - 50 * MIN) })];
  const expected: IncidentState[] = ['received', 'dispatched', 'en_route', 'on_scene', 'handled', 'closed', 'received', 'closed', 'closed'];
  return { batches, dispatches, expected };
}

for (const kind of STORE_KINDS) {
  describe(`incident states, store and reducer alike: ${kind}`, () => {
    let s: TestStore;
    let wall: WallState;
    let ids: string[] = [];
    let seq = 0;
    before(async () => {
      s = await openTestStore(kind, 'incidents');
      const calls = Array.from({ length: 9 }, (_, i) => call({ receivedAt: iso(NOW - (90 + i) * MIN) }));
      ids = calls.map((c) => c.id);
      assert.equal((await s.pipeline.process('police.calls', calls.map((value) => ({ value })), 'bus')).accepted, calls.length);
      // The wall starts from the snapshot of the calls, then follows what the store keeps.
      wall = {
        epoch: 'e', seq: 0, at: NOW, newestEventAt: null, incidents: await wallIncidents(s.db, new Date(NOW)), gridCalls: {}, cases: {}, units: {},
        offlineCameras: {}, alerts: [], warnings: {},
        figures: { dayStart: NOW, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0), callsByHourLastWeek: Array(24).fill(0),
          byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 0, gridCalls7d: {}, gridAlerts24h: {} },
      };
      s.pipeline.onStored((batch) => { wall = apply(wall, { ...toWallDelta(batch), seq: ++seq, at: NOW }, TZ); });
      const { batches, dispatches } = scenario(ids);
      await s.pipeline.process('dispatch.commands', dispatches.map((value) => ({ value })), 'bus');
      for (const b of batches) {
        const out = await s.pipeline.process('unit.status', b.map((value) => ({ value })), 'bus');
        assert.deepEqual(out.rejected, []);
      }
    });
    after(async () => { await s.close(); });

    const view = (list: WallCall[]) => Object.fromEntries(ids.map((id) => {
      const c = list.find((x) => x.id === id);
      return [id, c && { state: c.state, closesAt: c.closesAt ?? null }];
    }));

    test('the snapshot query and the reducer give every incident the same state, and closed occurs', async () => {
      const stored = await wallIncidents(s.db, new Date(NOW));
      assert.deepEqual(view(wall.incidents), view(stored));
      assert.deepEqual(ids.map((id) => stored.find((c) => c.id === id)?.state), scenario(ids).expected);
    });

    test('after the quiet time the handled incident is closed, in the store and on the wall', async () => {
      const later = NOW + INCIDENT_CLOSE_AFTER_MS;
      const stored = await wallIncidents(s.db, new Date(later));
      const pruned = prune(wall, later);
      assert.deepEqual(view(pruned.incidents), view(stored));
      assert.equal(stored.find((c) => c.id === ids[4])?.state, 'closed');
      const { rows } = await s.db.query<{ handled_at: Date; closed_at: Date }>('SELECT handled_at, closed_at FROM incidents WHERE call_id = $1', [ids[4]]);
      assert.equal(new Date(rows[0]!.closed_at).getTime() - new Date(rows[0]!.handled_at).getTime(), INCIDENT_CLOSE_AFTER_MS);
    });

    test('unit events stored before their call still give the call its state', async () => {
      const c = call({ receivedAt: iso(NOW - 30 * MIN) });
      await s.pipeline.process('unit.status', [{ value: { unitId: units[9 % units.length]!.id, at: iso(NOW - 20 * MIN), status: 'available', incidentId: c.id } }], 'bus');
      await s.pipeline.process('police.calls', [{ value: c }], 'bus');
      const stored = await wallIncidents(s.db, new Date(NOW));
      assert.equal(stored.find((x) => x.id === c.id)?.state, 'handled');
      assert.equal(stored.find((x) => x.id === c.id)?.closesAt, NOW - 20 * MIN + INCIDENT_CLOSE_AFTER_MS);
    });
  });
}
