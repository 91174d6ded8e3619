/**
 * The field's unit.status transitions checked in the pipeline (config/src/contracts/unit-transitions.ts,
 * ingest/src/store/unit-reports.ts), both stores: an impossible report is dead-lettered with code
 * `transition`, never stored; a late report (older than the unit's state) is history and stored;
 * a batch gets the answers its reports get one at a time; and a simulated day (the county
 * model's own events, patrol pings included) goes through with no refusal and with no incident
 * left dispatched, en route or on scene while the unit it names reports available after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGAGED_UNIT_STATUSES, type EventOf, type Topic } from '@watchfloor/config/contracts';
import { CountyModel, type SimEvent } from '@watchfloor/ingest/simulator/county-model';
import { listIncidents } from '@watchfloor/ingest/store/dispatch';
import { call, dispatch } from '../support/events';
import { count, openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';
import { tongguan } from '../support/region';

const MIN = 60_000;
const HOUR = 3_600_000;
// In the past (events ahead of the clock are refused), in a year no other test writes to.
const T = Date.parse('2017-05-10T10:00:00+08:00');
const iso = (t: number) => new Date(t).toISOString();
type Unit = EventOf<'unit.status'>;
const units = tongguan().units;

async function unitEvents(s: TestStore, unitId: string): Promise<string[]> {
  const { rows } = await s.db.query<{ status: string; incident_id: string | null }>('SELECT status, incident_id FROM unit_events WHERE unit_id = $1 ORDER BY at', [unitId]);
  return rows.map((r) => `${r.status}${r.incident_id ? `@${r.incident_id}` : ''}`);
}
async function unitNow(s: TestStore, unitId: string) {
  const { rows } = await s.db.query<{ status: string; incident_id: string | null }>('SELECT status, incident_id FROM units WHERE unit_id = $1', [unitId]);
  return rows[0] ?? null;
}

/** A time-ordered run of reports over two units and two incidents, some of them impossible. */
function run(u1: string, u2: string, x: string, y: string): Unit[] {
  const r = (unitId: string, status: Unit['status'], m: number, incidentId?: string): Unit => ({ unitId, status, at: iso(T + m * MIN), ...(incidentId ? { incidentId } : {}) });
  return [
    r(u1, 'available', 0), r(u2, 'available', 0),
    r(u1, 'en_route', 1, x),
    r(u2, 'en_route', 2, x), // x is u1's
    r(u1, 'on_scene', 5, x),
    r(u1, 'en_route', 6, x), // backwards
    r(u1, 'available', 7), // leaves x without a release
    r(u1, 'en_route', 8, y), // on x still
    r(u2, 'en_route', 9, y),
    r(u1, 'available', 20, x),
    r(u2, 'off_duty', 21), // on y still
    r(u2, 'on_scene', 22, y),
    r(u2, 'available', 30, y),
    r(u2, 'off_duty', 31),
    r(u2, 'on_scene', 32), // off duty straight to a scene
  ];
}
const REFUSED_IN_RUN = [3, 5, 6, 7, 10, 14];

for (const kind of STORE_KINDS) {
  describe(`unit.status transitions: ${kind}`, () => {
    let s: TestStore;
    before(async () => { s = await openTestStore(kind, 'transitions'); });
    after(async () => { await s.close(); });

    const seed = async (n: number) => {
      const calls = Array.from({ length: n }, (_, i) => call({ receivedAt: iso(T - (10 + i) * MIN) }));
      assert.equal((await s.pipeline.process('police.calls', calls.map((value) => ({ value })), 'bus')).accepted, n);
      return calls.map((c) => c.id);
    };

    test('one batch: the impossible reports are dead-lettered with code transition and never stored', async () => {
      const [x, y] = await seed(2);
      const [u1, u2] = [units[0]!.id, units[1]!.id];
      const out = await s.pipeline.process('unit.status', run(u1, u2, x!, y!).map((value) => ({ value })), 'bus');
      assert.deepEqual(out.rejected.map((r) => r.index), REFUSED_IN_RUN);
      assert.ok(out.rejected.every((r) => r.code === 'transition'));
      assert.match(out.rejected[0]!.reason, new RegExp(`^other_unit: unit ${u2} en_route on ${x}, assigned to ${u1}$`));
      assert.equal(await count(s.db, `SELECT count(*)::int AS n FROM dead_letters WHERE code = 'transition' AND topic = 'unit.status'`), REFUSED_IN_RUN.length);
      assert.deepEqual(await unitEvents(s, u1), ['available', `en_route@${x}`, `on_scene@${x}`, `available@${x}`]);
      assert.deepEqual(await unitEvents(s, u2), ['available', `en_route@${y}`, `on_scene@${y}`, `available@${y}`, 'off_duty']);
      assert.deepEqual(await unitNow(s, u2), { status: 'off_duty', incident_id: null });
      const states = await listIncidents(s.db, { from: new Date(T - HOUR), to: new Date(T), status: null, now: T + 40 * MIN, limit: 100 });
      assert.equal(states.find((i) => i.id === x)?.status, 'handled');
      assert.equal(states.find((i) => i.id === x)?.assignedUnitId, u1);
      assert.equal(states.find((i) => i.id === y)?.assignedUnitId, u2);
    });

    test('the same reports one at a time get the same answers', async () => {
      const [x, y] = await seed(2);
      const [u1, u2] = [units[2]!.id, units[3]!.id];
      const refused: number[] = [];
      for (const [i, value] of run(u1, u2, x!, y!).entries()) {
        if ((await s.pipeline.process('unit.status', [{ value }], 'bus')).rejected.length) refused.push(i);
      }
      assert.deepEqual(refused, REFUSED_IN_RUN);
      assert.deepEqual(await unitEvents(s, u1), ['available', `en_route@${x}`, `on_scene@${x}`, `available@${x}`]);
    });

    test('a late report (older than the unit\'s state) is history: stored, and the state is derived as before', async () => {
      const [x] = await seed(1);
      const u = units[4]!.id;
      const r = (status: Unit['status'], m: number, incidentId?: string): Unit => ({ unitId: u, status, at: iso(T + m * MIN), ...(incidentId ? { incidentId } : {}) });
      // Released first, then the en-route and on-scene reports arrive late: all stored.
      for (const b of [[r('available', 30, x)], [r('on_scene', 20, x)], [r('en_route', 10, x)]]) {
        assert.deepEqual((await s.pipeline.process('unit.status', b.map((value) => ({ value })), 'bus')).rejected, []);
      }
      assert.deepEqual(await unitEvents(s, u), [`en_route@${x}`, `on_scene@${x}`, `available@${x}`]);
      assert.deepEqual(await unitNow(s, u), { status: 'available', incident_id: x });
      // A batch out of time order is judged in time order: on scene, then released.
      const [y] = await seed(1);
      const out = await s.pipeline.process('unit.status', [r('available', 50, y), r('on_scene', 40, y)].map((value) => ({ value })), 'bus');
      assert.deepEqual(out.rejected, []);
      assert.deepEqual(await unitNow(s, u), { status: 'available', incident_id: y });
    });

    test('a report for an incident dispatched to another unit, or closed, is refused', async () => {
      const [x, y] = await seed(2);
      const [u1, u2] = [units[5]!.id, units[6]!.id];
      await s.pipeline.process('unit.status', [u1, u2].map((unitId) => ({ value: { unitId, status: 'available', at: iso(T) } })), 'bus');
      await s.pipeline.process('dispatch.commands', [{ value: dispatch({ incidentId: x!, unitId: u1, at: iso(T + MIN) }) }], 'bus');
      assert.deepEqual(await unitNow(s, u1), { status: 'dispatched', incident_id: x }, 'a dispatch command makes its unit dispatched');
      const other = await s.pipeline.process('unit.status', [{ value: { unitId: u2, status: 'on_scene', at: iso(T + 2 * MIN), incidentId: x! } }], 'bus');
      assert.match(other.rejected[0]?.reason ?? '', /^other_unit:/);
      const ping = await s.pipeline.process('unit.status', [{ value: { unitId: u1, status: 'available', at: iso(T + 3 * MIN) } }], 'bus');
      assert.match(ping.rejected[0]?.reason ?? '', /^not_released:/, 'a dispatched unit is not available again by a plain ping');
      // y handled long ago, so closed: a unit sent to it afterwards is refused.
      await s.pipeline.process('unit.status', [{ value: { unitId: u2, status: 'available', at: iso(T + 4 * MIN), incidentId: y! } }], 'bus');
      const late = await s.pipeline.process('unit.status', [{ value: { unitId: u2, status: 'en_route', at: iso(T + 40 * MIN), incidentId: y! } }], 'bus');
      assert.match(late.rejected[0]?.reason ?? '', /^incident_closed:/);
      assert.deepEqual(await unitNow(s, u2), { status: 'available', incident_id: y });
    });

    test('a simulated day goes through with no refused transition and no incident left on a unit that is available after it', async (t) => {
      // A store of its own: the units above were left in states of their own.
      const day = await openTestStore(kind, 'simday');
      t.after(() => day.close());
      const model = new CountyModel(tongguan(), 610522, 'Asia/Shanghai');
      const day0 = Math.floor(Date.parse('2017-06-05T00:00:00+08:00') / HOUR);
      const events: SimEvent[] = [...model.initialUnits(day0 * HOUR)];
      for (let h = day0; h < day0 + 24; h++) events.push(...model.eventsInHour(h, true));
      // The invariant: an incident not yet handled is still held by its unit, unless the unit has
      // not reported since. Checked after every hour of the day.
      const stuck = async (): Promise<string[]> => {
        const { rows } = await day.db.query<{ call_id: string; unit_id: string; status: string; incident_id: string | null; at: Date; last: Date }>(
          `SELECT i.call_id, i.unit_id, u.status, u.incident_id, u.at, greatest(i.dispatched_at, i.en_route_at, i.on_scene_at) AS last
           FROM incidents i JOIN units u ON u.unit_id = i.unit_id
           WHERE i.handled_at IS NULL AND (i.dispatched_at IS NOT NULL OR i.en_route_at IS NOT NULL OR i.on_scene_at IS NOT NULL)`,
        );
        const held = (r: (typeof rows)[number]) => ENGAGED_UNIT_STATUSES.has(r.status as Unit['status']) && r.incident_id === r.call_id;
        return rows.filter((r) => !held(r) && new Date(r.at).getTime() > new Date(r.last).getTime()).map((r) => `${r.call_id} on ${r.unit_id} (${r.status})`);
      };
      let refused = 0;
      const violations: string[] = [];
      let i = 0;
      let hour = day0;
      while (i < events.length) {
        const topic = events[i]!.event.topic as Topic;
        const batch: unknown[] = [];
        while (i < events.length && events[i]!.event.topic === topic && batch.length < 2000 && events[i]!.t < (hour + 1) * HOUR) batch.push(events[i++]!.event.value);
        if (batch.length) {
          const out = await day.pipeline.process(topic, batch.map((value) => ({ value })), 'bus');
          refused += out.rejected.filter((r) => r.code === 'transition').length;
          assert.deepEqual(out.rejected.filter((r) => r.code !== 'transition'), []);
        }
        if (i >= events.length || events[i]!.t >= (hour + 1) * HOUR) {
          violations.push(...(await stuck()).map((v) => `${new Date((hour + 1) * HOUR).toISOString()}: ${v}`));
          hour++;
        }
      }
      const responses = events.filter((e) => e.event.topic === 'dispatch.commands').length;
      assert.ok(responses > 50, `the model sent units on ${responses} calls`);
      assert.deepEqual({ refused, violations: violations.slice(0, 10) }, { refused: 0, violations: [] });
    });
  });
}
