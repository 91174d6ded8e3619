import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zonedParts } from '@watchfloor/config/time';
import { apply, areaFigures, areaTrail, drillTarget, narrowState, sameArea, type WallCall, type WallState } from '@watchfloor/config/wall';

const TZ = 'Asia/Shanghai';
const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const MIN = 60_000;
const hourOf = (t: number) => zonedParts(new Date(t), TZ).hour;
const grids = { features: [
  { properties: { code: 'g1', townCode: 't1', villageCode: 'v1', population: 1000 } },
  { properties: { code: 'g2', townCode: 't1', villageCode: 'v2', population: 3000 } },
  { properties: { code: 'g3', townCode: 't2', villageCode: 'v3', population: 5000 } },
] };

function empty(): WallState {
  return {
    epoch: 'e', seq: 0, at: T0, newestEventAt: null, incidents: [], gridCalls: {}, cases: {}, units: {}, offlineCameras: {}, alerts: [], warnings: {},
    figures: { dayStart: Date.parse('2026-11-20T00:00:00+08:00'), callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0),
      callsByHourLastWeek: Array(24).fill(0), byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 10, gridCalls7d: { g1: 7, g2: 14, g3: 70 }, gridAlerts24h: {} },
  };
}
const c = (id: string, gridId: string, townCode: string, minutes: number): WallCall => ({ id, t: T0 + minutes * MIN, category: 'traffic', priority: 2, lon: 110.3, lat: 34.5, gridId, townCode, state: 'received' });

test('narrowing the wall state to a town, a village and the county', () => {
  let s = apply(empty(), { seq: 1, at: T0 + 30 * MIN, type: 'calls', items: [c('a', 'g1', 't1', 1), c('b', 'g2', 't1', 2), c('c', 'g3', 't2', 3), c('d', 'g3', 't2', 4)] }, TZ);
  s = apply(s, { seq: 2, at: T0 + 30 * MIN, type: 'cases', items: [
    { caseId: 'k1', t: T0, status: 'registered', level: 'grid', risk: 'red', gridId: 'g1' },
    { caseId: 'k2', t: T0, status: 'registered', level: 'town', risk: 'yellow', gridId: 'g3' },
  ] }, TZ);
  s = apply(s, { seq: 3, at: T0 + 30 * MIN, type: 'warnings', items: [
    { id: 'w1', rule: 'surge', colour: 'red', regionCode: 't1', reason: 'x', raisedAt: T0, status: 'active' },
    { id: 'w2', rule: 'surge', colour: 'yellow', regionCode: 'g3', reason: 'x', raisedAt: T0, status: 'active' },
  ] } as never, TZ);
  const town = narrowState(s, grids, { level: 'town', code: 't1' }, hourOf);
  assert.equal(town.figures.callsToday, 2);
  assert.equal(town.lastWeekKnown, false);
  assert.deepEqual(town.incidents.map((x) => x.id).sort(), ['a', 'b']);
  assert.deepEqual(Object.keys(town.cases), ['k1']);
  assert.deepEqual(Object.values(town.warnings).map((w) => w.regionCode), ['t1']);
  const f = areaFigures(town, grids, { level: 'town', code: 't1' });
  assert.equal(f.population, 4000);
  assert.equal(f.calls24h, 2);
  assert.equal(f.per10k, 5);
  assert.equal(f.baselinePerDay, 3);
  assert.deepEqual(f.casesByRisk, { red: 1 });
  assert.equal(f.warnings, 1);
  const village = narrowState(s, grids, { level: 'village', code: 'v3' }, hourOf);
  assert.equal(village.figures.callsToday, 2);
  assert.deepEqual(Object.keys(village.cases), ['k2']);
  const county = narrowState(s, grids, { level: 'county' }, hourOf);
  assert.equal(county.figures.callsToday, 4);
  assert.equal(county.lastWeekKnown, true);
});

test('a click on a grid drills one level below the selected area, or moves to the sibling holding it', () => {
  const g1 = grids.features[0]!.properties;
  const g3 = grids.features[2]!.properties;
  assert.deepEqual(drillTarget({ level: 'county' }, g1), { level: 'town', code: 't1' });
  assert.deepEqual(drillTarget({ level: 'town', code: 't1' }, g1), { level: 'village', code: 'v1' });
  assert.deepEqual(drillTarget({ level: 'village', code: 'v1' }, g1), { level: 'grid', code: 'g1' });
  assert.deepEqual(drillTarget({ level: 'grid', code: 'g1' }, g1), { level: 'grid', code: 'g1' });
  // Outside the selected area: the same level, where the grid is.
  assert.deepEqual(drillTarget({ level: 'town', code: 't1' }, g3), { level: 'town', code: 't2' });
  assert.deepEqual(drillTarget({ level: 'village', code: 'v1' }, grids.features[1]!.properties), { level: 'village', code: 'v2' });
  assert.deepEqual(drillTarget({ level: 'grid', code: 'g1' }, g3), { level: 'grid', code: 'g3' });
});

test('the trail from the county down to an area', () => {
  assert.deepEqual(areaTrail(grids, { level: 'county' }), [{ level: 'county' }]);
  assert.deepEqual(areaTrail(grids, { level: 'town', code: 't2' }), [{ level: 'county' }, { level: 'town', code: 't2' }]);
  assert.deepEqual(areaTrail(grids, { level: 'village', code: 'v2' }), [{ level: 'county' }, { level: 'town', code: 't1' }, { level: 'village', code: 'v2' }]);
  assert.deepEqual(areaTrail(grids, { level: 'grid', code: 'g3' }), [{ level: 'county' }, { level: 'town', code: 't2' }, { level: 'village', code: 'v3' }, { level: 'grid', code: 'g3' }]);
  assert.deepEqual(areaTrail(grids, { level: 'town', code: 'nowhere' }), [{ level: 'county' }]);
  assert.ok(sameArea({ level: 'town', code: 't1' }, { level: 'town', code: 't1' }));
  assert.ok(!sameArea({ level: 'town', code: 't1' }, { level: 'village', code: 't1' }));
  assert.ok(sameArea({ level: 'county' }, { level: 'county' }));
});

test('a town holds the units on its calls and the free units standing in it, none twice', () => {
  let s = apply(empty(), { seq: 1, at: T0 + 30 * MIN, type: 'calls', items: [c('a', 'g1', 't1', 1), c('c', 'g3', 't2', 3)] }, TZ);
  s = apply(s, { seq: 2, at: T0 + 30 * MIN, type: 'units', items: [
    { unitId: 'u-on-a', t: T0, status: 'dispatched', lon: 110.9, lat: 34.9, incidentId: 'a' },
    { unitId: 'u-free-in-t1', t: T0, status: 'available', lon: 110.1, lat: 34.1, incidentId: null },
    { unitId: 'u-free-in-t2', t: T0, status: 'available', lon: 110.5, lat: 34.5, incidentId: null },
  ] }, TZ);
  // A stand-in lookup: west of 110.3 is grid g1 (town t1), east of it g3 (town t2).
  const gridAt = (lon: number) => (lon < 110.3 ? 'g1' : 'g3');
  assert.deepEqual(Object.keys(narrowState(s, grids, { level: 'town', code: 't1' }, hourOf, gridAt).units).sort(), ['u-free-in-t1', 'u-on-a']);
  // u-on-a stands in t2 but works t1's call: it is t1's, not counted twice.
  assert.deepEqual(Object.keys(narrowState(s, grids, { level: 'town', code: 't2' }, hourOf, gridAt).units), ['u-free-in-t2']);
  // Without a lookup only the units on the area's calls.
  assert.deepEqual(Object.keys(narrowState(s, grids, { level: 'town', code: 't1' }, hourOf).units), ['u-on-a']);
});
