/**
 * The wall's figures (store/queries/wall.ts → wallFigures) against counts taken from the
 * simulated events themselves, on both stores; and 化解率, which the wall and the summary
 * must report alike for the same window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventOf } from '@watchfloor/config/contracts';
import { WALL_RESOLUTION_WINDOW_DAYS } from '@watchfloor/config/resolution';
import { startOfDay, zonedParts } from '@watchfloor/config/time';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { summary } from '@watchfloor/ingest/store/queries/summary';
import { wallFigures } from '@watchfloor/ingest/store/queries/wall';
import { openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';
import { tongguan } from '../support/region';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Mid-afternoon of a simulated day in a year no other test writes to.
// (In the past: events ahead of the clock are refused at ingest.)
const NOW = new Date('2019-05-15T15:37:20+08:00');

type Calls = EventOf<'police.calls'>[];
type Cases = EventOf<'case.status'>[];

for (const kind of STORE_KINDS) {
  describe(`wall figures: ${kind}`, () => {
    let s: TestStore;
    let calls: Calls = [];
    let cases: Cases = [];
    before(async () => {
      s = await openTestStore(kind, 'figures');
      const model = new CountyModel(tongguan(), 7, TZ);
      const h1 = Math.floor(NOW.getTime() / HOUR) + 36;
      const byTopic = new Map<string, unknown[]>();
      // Cases over the resolution window and past NOW (later changes must not count);
      // calls and alerts over the last 8 days (last week's same day) and past NOW.
      for (let h = h1 - 24 * (WALL_RESOLUTION_WINDOW_DAYS + 3); h < h1; h++) {
        for (const e of model.eventsInHour(h, false)) {
          const recent = h >= h1 - 24 * 10;
          if (e.event.topic === 'case.status' || (recent && (e.event.topic === 'police.calls' || e.event.topic === 'camera.alerts'))) {
            byTopic.set(e.event.topic, [...(byTopic.get(e.event.topic) ?? []), e.event.value]);
          }
        }
      }
      for (const [topic, vals] of byTopic) {
        for (let i = 0; i < vals.length; i += 500) {
          await s.pipeline.process(topic as 'police.calls', vals.slice(i, i + 500).map((value) => ({ value })), 'bus');
        }
      }
      calls = (byTopic.get('police.calls') ?? []) as Calls;
      cases = (byTopic.get('case.status') ?? []) as Cases;
    });
    after(async () => { await s.close(); });

    test('no aggregates are left to refresh: the figures read the streams', async () => {
      const { rows } = await s.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM unnest(ARRAY['calls_5m', 'calls_1d', 'alerts_5m', 'alerts_1d']) AS v WHERE to_regclass(v) IS NOT NULL");
      assert.equal(rows[0]!.n, 0);
    });

    test('today, last week and the per-grid figures equal counts of the events', async () => {
      const f = await wallFigures(s.db, NOW, TZ, 10);
      const dayStart = startOfDay(NOW, TZ).getTime();
      const lastWeekStart = startOfDay(new Date(NOW.getTime() - 7 * DAY), TZ).getTime();
      const t = (c: EventOf<'police.calls'>) => Date.parse(c.receivedAt);
      // As of NOW: the day's calls after it are not counted yet (replay reads any past instant so).
      const today = calls.filter((c) => t(c) >= dayStart && t(c) <= NOW.getTime());
      const lastWeek = calls.filter((c) => t(c) >= lastWeekStart && t(c) < lastWeekStart + DAY);
      const byHour = (xs: Calls) => {
        const out: number[] = Array(24).fill(0);
        for (const c of xs) out[zonedParts(new Date(t(c)), TZ).hour]!++;
        return out;
      };
      assert.ok(today.length > 20 && lastWeek.length > 20, 'enough calls to tell');
      assert.ok(calls.some((c) => t(c) > NOW.getTime() && t(c) < dayStart + DAY), 'the day holds calls after NOW too');
      assert.equal(f.dayStart, dayStart);
      assert.equal(f.callsToday, today.length);
      assert.deepEqual(f.callsByHourToday, byHour(today));
      assert.deepEqual(f.callsByHourLastWeek, byHour(lastWeek));
      assert.equal(f.callsSameTimeLastWeek, lastWeek.filter((c) => t(c) < lastWeekStart + (NOW.getTime() - dayStart)).length);
      const cats: Record<string, number> = {};
      for (const c of today) cats[c.category] = (cats[c.category] ?? 0) + 1;
      assert.deepEqual(f.byCategoryToday, cats);

      // Grids: where the store placed each event (placement itself is tested elsewhere).
      const placed = async (sql: string, ids: string[]) => {
        const { rows } = await s.db.query<{ grid_id: string }>(sql, [ids]);
        const out: Record<string, number> = {};
        for (const r of rows) out[r.grid_id] = (out[r.grid_id] ?? 0) + 1;
        return out;
      };
      const week = calls.filter((c) => t(c) >= NOW.getTime() - 7 * DAY && t(c) <= NOW.getTime()).map((c) => c.id);
      assert.deepEqual(f.gridCalls7d, await placed('SELECT grid_id FROM calls WHERE id = ANY($1) AND grid_id IS NOT NULL', week));
      // Alerts of the last 24 h, offline notices excluded, by the camera's grid.
      const { rows: alerts } = await s.db.query<{ grid_id: string }>(
        "SELECT grid_id FROM alerts WHERE occurred_at >= $1 AND occurred_at <= $2 AND type <> 'camera_offline' AND grid_id IS NOT NULL", [new Date(NOW.getTime() - DAY).toISOString(), NOW.toISOString()]);
      const perGrid: Record<string, number> = {};
      for (const a of alerts) perGrid[a.grid_id] = (perGrid[a.grid_id] ?? 0) + 1;
      assert.ok(Object.keys(perGrid).length > 0);
      assert.deepEqual(f.gridAlerts24h, perGrid);
    });

    test('化解率 on the wall equals the summary’s for the same window, as of its end', async () => {
      const from = new Date(NOW.getTime() - WALL_RESOLUTION_WINDOW_DAYS * DAY);
      const wall = await wallFigures(s.db, NOW, TZ, 10);
      const sum = await summary(s.db, { from, to: NOW });
      // The case: some cases registered in the window are resolved only after NOW, and some
      // are registered after NOW; read "now" (the cases table) they would be counted.
      const resolvedLater = new Set(cases.filter((c) => ['resolved', 'closed'].includes(c.status) && Date.parse(c.changedAt) >= NOW.getTime()).map((c) => c.caseId));
      const openedIn = new Set(cases.filter((c) => c.status === 'registered' && Date.parse(c.changedAt) >= from.getTime() && Date.parse(c.changedAt) < NOW.getTime()).map((c) => c.caseId));
      assert.ok([...openedIn].some((id) => resolvedLater.has(id)), 'the window holds a case resolved after its end');
      assert.ok(sum.cases.identified > 5);
      assert.notEqual(sum.cases.resolutionRate, null);
      assert.equal(wall.resolutionRate30d, sum.cases.resolutionRate);
    });
  });
}
