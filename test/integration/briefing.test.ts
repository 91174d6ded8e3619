/**
 * The briefing's figures (store/queries/briefing.ts) over a hand-made week whose every answer is
 * written here, by hand, from the events below (never by calling the code under test), on both
 * stores; and the wall's figures for the same windows agree with the briefing's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventOf } from '@watchfloor/config/contracts';
import { loadRulesConfig, DEFAULT_RULES_DIR } from '@watchfloor/config/rules';
import { briefing, type BriefingQuery } from '@watchfloor/ingest/store/queries/briefing';
import { wallCameras, wallFigures } from '@watchfloor/ingest/store/queries/wall';
import { makeWorkCalendar } from '@watchfloor/ingest/rules/workCalendar';
import { call, uid } from '../support/events';
import { openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';
import { tongguan } from '../support/region';

const TZ = 'Asia/Shanghai';
const region = tongguan();
// The week: Monday 2025-03-10 00:00 to Monday 2025-03-17 00:00, Beijing time (no holiday in it).
const FROM = new Date('2025-03-10T00:00:00+08:00');
const TO = new Date('2025-03-17T00:00:00+08:00');
const at = (local: string) => `${local}+08:00`;

// Two towns with at least two grids holding cameras (camera positions lie surely inside their grid).
const gridsWithCams = (town: string) => region.grids.features.map((f) => f.properties)
  .filter((g) => g.townCode === town && region.cameras.some((c) => c.gridId === g.code));
const [townA, townB] = region.towns.features.map((f) => f.properties).filter((t) => gridsWithCams(t.code).length >= 2);
assert.ok(townA && townB, 'two towns with cameras in two grids');
const [gA1, gA2] = gridsWithCams(townA.code);
const [gB1] = gridsWithCams(townB.code);
const camIn = (g: { code: string }) => region.cameras.find((c) => c.gridId === g.code)!;
const placeIn = (g: { code: string }) => ({ lon: camIn(g).lon, lat: camIn(g).lat });
const unit = region.units.find((u) => u.kind === 'patrol_car') ?? region.units[0]!;
const otherKindUnit = region.units.find((u) => u.kind !== unit.kind)!;

type Call = EventOf<'police.calls'>;
const calls: Call[] = [];
const mkCall = (g: { code: string }, category: Call['category'], local: string): Call => {
  const c = call({ id: uid('BC'), category, receivedAt: at(local), location: { ...placeIn(g), address: '某路1号' } });
  calls.push(c);
  return c;
};

// ---- calls of the week: town A 3 criminal + 2 traffic; town B 1 fraud + 4 public order; plus the edges.
const a1 = mkCall(gA1!, 'criminal', '2025-03-10T08:00:00');
const a2 = mkCall(gA1!, 'criminal', '2025-03-11T09:30:00');
const a3 = mkCall(gA2!, 'criminal', '2025-03-12T10:00:00');
const a4 = mkCall(gA2!, 'traffic', '2025-03-13T11:00:00');
const a5 = mkCall(gA1!, 'traffic', '2025-03-16T23:59:59.999'); // the week's last millisecond: inside
const b1 = mkCall(gB1!, 'fraud', '2025-03-14T12:00:00');
mkCall(gB1!, 'public_order', '2025-03-15T13:00:00');
mkCall(gB1!, 'public_order', '2025-03-16T14:00:00');
mkCall(gB1!, 'public_order', '2025-03-16T15:00:00');
mkCall(gB1!, 'public_order', '2025-03-16T18:00:00'); // "today" on the wall at NOW below
mkCall(gA1!, 'criminal', '2025-03-17T00:00:00'); // `to` itself: the next week
mkCall(gA1!, 'fraud', '2025-03-09T23:59:59'); // previous week
mkCall(gB1!, 'fraud', '2025-03-05T10:00:00'); // previous week
mkCall(gB1!, 'criminal', '2025-03-08T10:00:00'); // previous week
mkCall(gA2!, 'traffic', '2024-03-12T10:00:00'); // 52 weeks back: the same week last year
// Bulletin trend: three weeks back (period index 4 of 0..7), two criminal calls in town A.
mkCall(gA1!, 'criminal', '2025-02-18T10:00:00');
mkCall(gA2!, 'criminal', '2025-02-19T10:00:00');

// ---- response times: five of the week's calls sent a unit after 60..300 s, on scene after 600..1000 s, released 600 s later.
const timed = [a1, a2, a3, a4, b1];
const units: EventOf<'unit.status'>[] = timed.flatMap((c, i) => {
  const t0 = Date.parse(c.receivedAt);
  const u = i === 4 ? otherKindUnit : unit;
  return [
    { unitId: u.id, at: new Date(t0 + (i + 1) * 60_000).toISOString(), status: 'dispatched' as const, incidentId: c.id, position: { lon: u.lon, lat: u.lat } },
    { unitId: u.id, at: new Date(t0 + (6 + i) * 100_000).toISOString(), status: 'on_scene' as const, incidentId: c.id, position: { lon: u.lon, lat: u.lat } },
    // Released before its next call, as the field does: a unit holds one incident at a time (unit transitions).
    { unitId: u.id, at: new Date(t0 + (6 + i) * 100_000 + 600_000).toISOString(), status: 'available' as const, incidentId: c.id, position: { lon: u.lon, lat: u.lat } },
  ];
});

// ---- cases.
type Case = EventOf<'case.status'>;
const cases: Case[] = [];
const change = (id: string, kind: Case['kind'], category: Case['category'], g: { code: string }, local: string, status: Case['status'], level: Case['level']) =>
  cases.push({ caseId: id, changedAt: at(local), kind, category, status, level, risk: 'blue', gridId: g.code });
// D1 (A): registered Monday, resolved at grid Tuesday.
change('D1', 'dispute', 'neighbor', gA1!, '2025-03-10T09:00:00', 'registered', 'grid');
change('D1', 'dispute', 'neighbor', gA1!, '2025-03-11T09:00:00', 'resolved', 'grid');
// D2 (A): registered Monday, escalated to village Wednesday, resolved there Thursday.
change('D2', 'dispute', 'family', gA2!, '2025-03-10T10:00:00', 'registered', 'grid');
change('D2', 'dispute', 'family', gA2!, '2025-03-12T10:00:00', 'escalated', 'village');
change('D2', 'dispute', 'family', gA2!, '2025-03-13T10:00:00', 'resolved', 'village');
// D3 (B): registered Tuesday at town level, closed Friday.
change('D3', 'dispute', 'land', gB1!, '2025-03-11T10:00:00', 'registered', 'town');
change('D3', 'dispute', 'land', gB1!, '2025-03-14T10:00:00', 'closed', 'town');
// D4 (B): registered Wednesday at grid, open: due end of Thursday (1 working day) → overdue at `to`.
change('D4', 'dispute', 'debt', gB1!, '2025-03-12T10:00:00', 'registered', 'grid');
// D5 (A): registered Sunday at grid, open: due end of Monday next week → not overdue.
change('D5', 'dispute', 'labor', gA1!, '2025-03-16T10:00:00', 'registered', 'grid');
// D6 (A): registered the week before, at village since Friday 03-07: due end of Tuesday 03-11 → overdue.
change('D6', 'dispute', 'neighbor', gA1!, '2025-03-06T10:00:00', 'registered', 'grid');
change('D6', 'dispute', 'neighbor', gA1!, '2025-03-07T16:00:00', 'escalated', 'village');
// D7 (B): registered Saturday, mediating (same level: no new clock), resolved only after `to`.
change('D7', 'dispute', 'neighbor', gB1!, '2025-03-15T10:00:00', 'registered', 'grid');
change('D7', 'dispute', 'neighbor', gB1!, '2025-03-16T10:00:00', 'mediating', 'grid');
change('D7', 'dispute', 'neighbor', gB1!, '2025-03-18T10:00:00', 'resolved', 'grid');
// D8 (A): registered Thursday at town, escalated to county Friday 09:00 (due end of Tuesday), resolved at county Friday 17:00.
change('D8', 'dispute', 'other', gA2!, '2025-03-13T09:00:00', 'registered', 'town');
change('D8', 'dispute', 'other', gA2!, '2025-03-14T09:00:00', 'escalated', 'county');
change('D8', 'dispute', 'other', gA2!, '2025-03-14T17:00:00', 'resolved', 'county');
// D9 (B): registered the week before at grid, resolved the week before: neither identified nor overdue.
change('D9', 'dispute', 'land', gB1!, '2025-03-04T10:00:00', 'registered', 'grid');
change('D9', 'dispute', 'land', gB1!, '2025-03-05T10:00:00', 'resolved', 'grid');
// P1 (A): a petition registered Wednesday: a case, not a dispute; overdue does not count it.
change('P1', 'petition', 'other', gA1!, '2025-03-12T15:00:00', 'registered', 'grid');
// Last year's same week: one case.
change('LY1', 'dispute', 'family', gB1!, '2024-03-13T10:00:00', 'registered', 'grid');
change('LY1', 'dispute', 'family', gB1!, '2024-03-14T10:00:00', 'resolved', 'grid');
// Bulletin: a petition three weeks back.
change('P0', 'petition', 'other', gA1!, '2025-02-20T10:00:00', 'registered', 'grid');

// ---- alerts: two crowd, one intrusion; camera X of town A offline at the end; camera Y offline then back.
const camsA = region.cameras.filter((c) => c.townCode === townA.code);
const [camX, camY] = camsA;
const alerts: EventOf<'camera.alerts'>[] = [
  { id: uid('BA'), cameraId: camX!.id, occurredAt: at('2025-03-12T10:00:00'), type: 'crowd', confidence: 0.9 },
  { id: uid('BA'), cameraId: camY!.id, occurredAt: at('2025-03-13T10:00:00'), type: 'crowd', confidence: 0.9 },
  { id: uid('BA'), cameraId: camY!.id, occurredAt: at('2025-03-14T10:00:00'), type: 'intrusion', confidence: 0.9 },
  { id: uid('BA'), cameraId: camX!.id, occurredAt: at('2025-03-16T20:00:00'), type: 'camera_offline', confidence: 1 },
  { id: uid('BA'), cameraId: camY!.id, occurredAt: at('2025-03-16T08:00:00'), type: 'camera_offline', confidence: 1 },
  { id: uid('BA'), cameraId: camY!.id, occurredAt: at('2025-03-16T09:00:00'), type: 'crowd', confidence: 0.9 },
  { id: uid('BA'), cameraId: camY!.id, occurredAt: at('2025-03-09T09:00:00'), type: 'fight', confidence: 0.9 }, // previous week
];

// ---- warnings (stored rows, as the rules engine leaves them): three grid surges raised in the week.
const warnings = [
  { id: 'w1', rule: 'grid_surge', region: gA1!.code, raised: '2025-03-11T10:00:00', ack: '2025-03-11T10:01:00' }, // 60 s
  { id: 'w2', rule: 'grid_surge', region: gB1!.code, raised: '2025-03-12T10:00:00', ack: '2025-03-12T10:03:00' }, // 180 s
  { id: 'w3', rule: 'grid_surge', region: gA2!.code, raised: '2025-03-16T23:00:00', ack: '2025-03-17T08:00:00' }, // acknowledged after `to`
  { id: 'w4', rule: 'case_deadline', region: gB1!.code, raised: '2025-03-13T00:00:00', ack: null },
  { id: 'w5', rule: 'grid_surge', region: gA1!.code, raised: '2025-03-09T10:00:00', ack: '2025-03-09T10:00:10' }, // previous week
];

const rules = loadRulesConfig(DEFAULT_RULES_DIR);
const query = (over: Partial<BriefingQuery> = {}): BriefingQuery => ({
  from: FROM, to: TO, townCode: null, region, calendar: makeWorkCalendar(rules.calendar, TZ), limitsWorkingDays: rules.case_deadline.limitsWorkingDays, ...over,
});
/** Percentiles are interpolated in floating point: compared to the microsecond. */
const r6 = <T>(v: T): T => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x))) as T;
const pop = (code: string) => region.townByCode.get(code)!.population;
const gridPop = (code: string) => region.gridById.get(code)!.population;
const countyPop = region.towns.features.reduce((a, f) => a + f.properties.population, 0);

for (const kind of STORE_KINDS) {
  describe(`briefing figures: ${kind}`, () => {
    let s: TestStore;
    before(async () => {
      assert.equal(rules.case_deadline.limitsWorkingDays.grid, 1, 'the hand-made deadlines assume 1 working day at grid level');
      assert.equal(rules.case_deadline.limitsWorkingDays.village, 2);
      s = await openTestStore(kind, 'briefing');
      await s.pipeline.process('police.calls', calls.map((value) => ({ value })), 'bus');
      await s.pipeline.process('unit.status', units.map((value) => ({ value })), 'bus');
      await s.pipeline.process('case.status', cases.map((value) => ({ value })), 'bus');
      await s.pipeline.process('camera.alerts', alerts.map((value) => ({ value })), 'bus');
      for (const w of warnings) {
        await s.db.query(
          `INSERT INTO warnings (id, rule, colour, region_code, subject, reason, raised_at, updated_at, status, acknowledged_at, acknowledged_by)
           VALUES ($1, $2, 'yellow', $3, $3, 'test', $4, $4, $5, $6, $7)`,
          [w.id, w.rule, w.region, at(w.raised), w.ack ? 'acknowledged' : 'raised', w.ack ? at(w.ack) : null, w.ack ? 'duty' : null]);
      }
      assert.deepEqual(s.letters, [], 'every event stored');
    });
    after(async () => { await s.close(); });

    test('every figure of the county week equals the hand count', async () => {
      const b = await briefing(s.db, query());
      assert.deepEqual(b.range, { from: FROM.toISOString(), to: TO.toISOString() });
      assert.deepEqual(b.region, { code: region.meta.code, kind: 'county', population: countyPop });

      assert.equal(b.calls.total, 10);
      assert.deepEqual(b.calls.byCategory, { criminal: 3, traffic: 2, fraud: 1, public_order: 4 });
      assert.deepEqual(b.calls.byTown, { [townA.code]: 5, [townB.code]: 5 });
      assert.deepEqual(b.calls.byGrid, { [gA1!.code]: 3, [gA2!.code]: 2, [gB1!.code]: 5 });
      for (const t of region.towns.features.map((f) => f.properties.code)) {
        const n = t === townA.code || t === townB.code ? 5 : 0;
        assert.ok(Math.abs(b.calls.per10k.byTown[t]! - (n / pop(t)) * 10_000) < 1e-9, `per 10k ${t}`);
      }
      assert.ok(Math.abs(b.calls.per10k.byGrid[gB1!.code]! - (5 / gridPop(gB1!.code)) * 10_000) < 1e-9);
      assert.equal(b.calls.previous.total, 3);
      assert.deepEqual(b.calls.sameLastYear, { total: 1 });

      assert.equal(b.alerts.total, 6);
      assert.deepEqual(b.alerts.byType, { crowd: 3, intrusion: 1, camera_offline: 2 });
      assert.equal(b.alerts.previous.total, 1);
      assert.deepEqual(b.alerts.sameLastYear, { total: 0 });
      assert.deepEqual(b.cameras.alertsByType, { crowd: 3, intrusion: 1, camera_offline: 2 });

      // Cases: D1 D2 D3 D4 D5 D7 D8 P1 registered in the week; D1 D2 D3 D8 resolved by `to`.
      assert.equal(b.cases.identified, 8);
      assert.equal(b.cases.resolved, 4);
      assert.equal(b.cases.resolutionRate, 4 / 8);
      assert.deepEqual(b.cases.previous, { identified: 2 }); // D6, D9
      assert.deepEqual(b.cases.sameLastYear, { identified: 1 });

      assert.equal(b.disputes.identified, 7);
      assert.equal(b.disputes.resolved, 4);
      assert.equal(b.disputes.resolutionRate, 4 / 7);
      assert.deepEqual(b.disputes.resolvedAtLevel, { grid: 1, village: 1, town: 1, county: 1 });
      assert.equal(b.disputes.overdue, 2); // D4, D6
      assert.deepEqual(b.disputes.byTown[townA.code], { identified: 4, resolved: 3, resolutionRate: 3 / 4, overdue: 1 }); // D1 D2 D5 D8; D6
      assert.deepEqual(b.disputes.byTown[townB.code], { identified: 3, resolved: 1, resolutionRate: 1 / 3, overdue: 1 }); // D3 D4 D7; D4
      const other = region.towns.features.map((f) => f.properties.code).find((c) => c !== townA.code && c !== townB.code)!;
      assert.deepEqual(b.disputes.byTown[other], { identified: 0, resolved: 0, resolutionRate: null, overdue: 0 });

      // Dispatch 60 120 180 240 300 s: p50 180, p90 = 240 + 0.6 × 60 = 276 (linear interpolation).
      // Arrive 600 700 800 900 1000 s: p50 800, p90 960.
      assert.deepEqual(r6(b.dispatch.toDispatchS), { n: 5, p50: 180, p90: 276 });
      assert.deepEqual(r6(b.dispatch.toArriveS), { n: 5, p50: 800, p90: 960 });
      // Town A: 60 120 180 240 → p50 150, p90 222; arrive 600..900 → 750, 870. Town B: one call, 300 s / 1000 s.
      assert.deepEqual(r6(b.dispatch.byTown[townA.code]), { toDispatchS: { n: 4, p50: 150, p90: 222 }, toArriveS: { n: 4, p50: 750, p90: 870 } });
      assert.deepEqual(r6(b.dispatch.byTown[townB.code]), { toDispatchS: { n: 1, p50: 300, p90: 300 }, toArriveS: { n: 1, p50: 1000, p90: 1000 } });
      assert.deepEqual(r6(b.dispatch.byUnitKind[unit.kind]), { toDispatchS: { n: 4, p50: 150, p90: 222 }, toArriveS: { n: 4, p50: 750, p90: 870 } });
      assert.deepEqual(r6(b.dispatch.byUnitKind[otherKindUnit.kind]), { toDispatchS: { n: 1, p50: 300, p90: 300 }, toArriveS: { n: 1, p50: 1000, p90: 1000 } });

      // Warnings: grid_surge w1 w2 w3 raised; w1 w2 acknowledged before `to` (60, 180 s → p50 120, p90 168).
      assert.deepEqual(r6(b.warnings.byRule), {
        grid_surge: { raised: 3, acknowledged: 2, toAcknowledgeS: { n: 2, p50: 120, p90: 168 } },
        case_deadline: { raised: 1, acknowledged: 0, toAcknowledgeS: { n: 0, p50: null, p90: null } },
      });

      // Cameras at `to`: X offline (its last word of the last 24 h); Y spoke again after its offline notice.
      const nA = camsA.length;
      const nAll = region.cameras.length;
      assert.equal(b.cameras.onlineRate.byTown[townA.code], (nA - 1) / nA);
      assert.equal(b.cameras.onlineRate.byTown[townB.code], 1);
      assert.equal(b.cameras.onlineRate.county, (nAll - 1) / nAll);

      // Bulletin: 8 weekly periods ending with this one.
      assert.equal(b.bulletin.periods.length, 8);
      assert.deepEqual(b.bulletin.periods[7], { from: FROM.toISOString(), to: TO.toISOString() });
      assert.deepEqual(b.bulletin.periods[4], { from: new Date('2025-02-17T00:00:00+08:00').toISOString(), to: new Date('2025-02-24T00:00:00+08:00').toISOString() });
      assert.deepEqual(b.bulletin.series.criminal, [0, 0, 0, 0, 2, 0, 1, 3]);
      assert.deepEqual(b.bulletin.series.traffic, [0, 0, 0, 0, 0, 0, 0, 2]);
      assert.deepEqual(b.bulletin.series.fraud, [0, 0, 0, 0, 0, 0, 2, 1]);
      assert.deepEqual(b.bulletin.series.public_order, [0, 0, 0, 0, 0, 0, 0, 4]);
      assert.deepEqual(b.bulletin.series.petition, [0, 0, 0, 0, 1, 0, 0, 1]);
      assert.deepEqual(b.bulletin.series['dispute.neighbor'], [0, 0, 0, 0, 0, 0, 1, 2]); // D6; D1 D7
      assert.deepEqual(b.bulletin.series['dispute.land'], [0, 0, 0, 0, 0, 0, 1, 1]); // D9; D3
      assert.deepEqual(b.bulletin.series['dispute.family'], [0, 0, 0, 0, 0, 0, 0, 1]);
      assert.deepEqual(b.bulletin.series['dispute.debt'], [0, 0, 0, 0, 0, 0, 0, 1]);
      assert.deepEqual(b.bulletin.series['dispute.labor'], [0, 0, 0, 0, 0, 0, 0, 1]);
      assert.deepEqual(b.bulletin.series['dispute.other'], [0, 0, 0, 0, 0, 0, 0, 1]);
      assert.ok(Math.abs(b.bulletin.per10k.public_order! - (4 / countyPop) * 10_000) < 1e-12);
    });

    test('one town: every figure covers that town only', async () => {
      const b = await briefing(s.db, query({ townCode: townA.code }));
      assert.deepEqual(b.region, { code: townA.code, kind: 'town', population: pop(townA.code) });
      assert.equal(b.calls.total, 5);
      assert.deepEqual(b.calls.byCategory, { criminal: 3, traffic: 2 });
      assert.equal(b.calls.previous.total, 1);
      assert.deepEqual(b.calls.sameLastYear, { total: 1 });
      assert.deepEqual(Object.keys(b.calls.per10k.byTown), [townA.code]);
      assert.equal(b.disputes.identified, 4);
      assert.equal(b.disputes.resolved, 3);
      assert.equal(b.disputes.overdue, 1);
      assert.deepEqual(b.disputes.resolvedAtLevel, { grid: 1, village: 1, town: 0, county: 1 });
      assert.deepEqual(r6(b.dispatch.toDispatchS), { n: 4, p50: 150, p90: 222 });
      assert.deepEqual(r6(b.warnings.byRule), { grid_surge: { raised: 2, acknowledged: 1, toAcknowledgeS: { n: 1, p50: 60, p90: 60 } } });
      assert.equal(b.cameras.onlineRate.county, (camsA.length - 1) / camsA.length);
      assert.deepEqual(Object.keys(b.cameras.onlineRate.byTown), [townA.code]);
      assert.deepEqual(b.bulletin.series.criminal, [0, 0, 0, 0, 2, 0, 0, 3]);
      assert.deepEqual(b.bulletin.series.fraud, [0, 0, 0, 0, 0, 0, 1, 0]);
    });

    test('the wall’s figures for the same windows agree with the briefing’s', async () => {
      const now = new Date('2025-03-16T19:30:00+08:00');
      const dayStart = new Date('2025-03-16T00:00:00+08:00');
      const wall = await wallFigures(s.db, now, TZ, region.cameras.length);
      // The wall's "today" is the local day up to its instant (the live wall and replay read the
      // same figures as of a moment; a call stamped later today is not yet counted).
      const today = await briefing(s.db, query({ from: dayStart, to: now }));
      assert.equal(wall.callsToday, today.calls.total);
      assert.equal(wall.callsToday, 3); // public order 14:00 15:00 18:00; not the traffic call at 23:59:59.999
      assert.deepEqual(wall.byCategoryToday, today.calls.byCategory);
      const month = await briefing(s.db, query({ from: new Date(now.getTime() - 30 * 86_400_000), to: now }));
      assert.equal(wall.resolutionRate30d, month.cases.resolutionRate);
      const cams = await wallCameras(s.db, TO);
      const offline = Object.keys(cams.offline).length;
      assert.equal(offline, 1);
      const week = await briefing(s.db, query());
      assert.equal(week.cameras.onlineRate.county, (region.cameras.length - offline) / region.cameras.length);
    });
  });
}
