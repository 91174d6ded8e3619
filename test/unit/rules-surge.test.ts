/**
 * grid_surge and category_surge: against the hour-of-week baseline of the past weeks;
 * below / at / above the thresholds, hysteresis, redelivery, no history, new grids.
 * History used throughout: one call a day at 10:30 for four weeks, so the 10:00 hour's
 * baseline is 1 call: yellow at max(4, 3×1) = 4, red at max(6, 5×1) = 6, clear below 3.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallCategory } from '@watchfloor/config/contracts';
import type { StoredRecord } from '@watchfloor/ingest/records';
import { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { rulesRegionOf } from '@watchfloor/ingest/rules/region';
import { baselinesAt, HourRing, newRoll, SlidingCounter } from '@watchfloor/ingest/rules/windows';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { tongguan } from '../support/region';
import { at, callRec, caseRec, config, DAY, engine, gridOf, iso, MIN, TZ } from '../support/rules';

const DAY0 = at('2026-11-19 00:00'); // a Thursday
const G = gridOf(3);

function history(category: CallCategory, grids: string[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (let d = 28; d >= 1; d--) {
    for (const [i, g] of grids.entries()) {
      out.push(callRec({ receivedAt: iso(DAY0 - d * DAY + 10.5 * 60 * MIN + i * 1000), category, gridId: g }));
    }
  }
  return out;
}

const burst = (minutes: number[], category: CallCategory = 'traffic', gridId = G.id) =>
  minutes.map((m) => callRec({ receivedAt: iso(DAY0 + 10 * 60 * MIN + m * MIN), category, gridId }));

/** Feeds, then sweeps to `untilLocalMin` minutes after 10:00 on DAY0 (the sweep adds the reorder allowance). */
function run(e: RulesEngine, recs: StoredRecord[], untilMin: number) {
  const changes = e.ingest(recs);
  changes.push(...e.sweep(DAY0 + 10 * 60 * MIN + untilMin * MIN + 30_000));
  return changes;
}

test('grid_surge: 3 calls is below, the 4th call raises yellow, the 6th turns it red', () => {
  const e = engine();
  let ch = run(e, [...history('traffic', [G.id]), ...burst([0, 5, 10])], 12);
  assert.equal(ch.filter((c) => c.warning.rule === 'grid_surge').length, 0);

  ch = run(e, burst([15]), 16);
  const raised = ch.filter((c) => c.warning.rule === 'grid_surge');
  assert.equal(raised.length, 1);
  const w = raised[0]!.warning;
  assert.equal(raised[0]!.kind, 'raised');
  assert.equal(w.colour, 'yellow');
  assert.equal(w.raisedAt, DAY0 + (10 * 60 + 15) * MIN, 'raised at the event time of the 4th call');
  assert.equal(w.regionCode, G.id);
  assert.match(w.reason, /第\d+网格 近1小时接警 4 起，为同期均值的 4\.0 倍/);
  assert.equal(w.figures.hourCount, 4);
  assert.equal(w.figures.hourBaseline, 1);
  assert.equal(w.evidence.length, 4);

  ch = run(e, burst([20, 25]), 26).filter((c) => c.warning.rule === 'grid_surge');
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.colour, c.warning.figures.hourCount]), [['updated', 'yellow', 5], ['updated', 'red', 6]]);
  assert.equal(ch[1]!.warning.id, w.id, 'same episode, same id');
  assert.equal(ch[1]!.warning.raisedAt, w.raisedAt);
});

test('grid_surge hysteresis: open below yellow, clears only under the clear level after the quiet period', () => {
  const e = engine();
  run(e, [...history('traffic', [G.id]), ...burst([0, 5, 10, 15, 20, 25])], 30);
  const id = e.openWarnings().find((w) => w.rule === 'grid_surge')!.id;
  // 11:10: the count is 3 — under yellow (4) but not under clear (3): still open.
  assert.equal(run(e, [], 70).filter((c) => c.warning.rule === 'grid_surge').length, 0);
  // 11:15 the count falls to 2: the quiet period starts; nothing changes until 11:45.
  assert.equal(run(e, [], 104).filter((c) => c.warning.rule === 'grid_surge').length, 0);
  const ch = run(e, [], 105).filter((c) => c.warning.rule === 'grid_surge');
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.id, c.warning.resolvedAt]), [['resolved', id, DAY0 + (11 * 60 + 45) * MIN]]);
  assert.equal(ch[0]!.warning.colour, 'red', 'a resolved warning keeps its worst colour');
});

test('grid_surge: a count back at the clear level restarts the quiet period', () => {
  const e = engine();
  run(e, [...history('traffic', [G.id]), ...burst([0, 5, 10, 15, 20, 25])], 30);
  // 11:15 below (10:20, 10:25 left); 11:18 a new call lifts it back to 3: the quiet period is broken.
  run(e, burst([78]), 78);
  // 11:20: 10:20 has left → 2 again; quiet restarts at 11:20 → resolves 11:50, not 11:45.
  assert.equal(run(e, [], 109).filter((c) => c.warning.rule === 'grid_surge').length, 0);
  const ch = run(e, [], 110).filter((c) => c.kind === 'resolved' && c.warning.rule === 'grid_surge');
  assert.equal(ch[0]?.warning.resolvedAt, DAY0 + (11 * 60 + 50) * MIN);
});

test('redelivered calls are not counted twice', () => {
  const e = engine();
  const b = burst([0, 5, 10, 15]);
  run(e, [...history('traffic', [G.id]), ...b], 16);
  const again = run(e, [...b, ...b], 17);
  assert.equal(again.length, 0);
  const w = e.openWarnings().find((x) => x.rule === 'grid_surge')!;
  assert.equal(w.figures.hourCount, 4);
  assert.equal(e.stats().duplicates, 8);
});

test('no history, no surge: the first week only learns', () => {
  const e = engine();
  const ch = run(e, burst([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 20);
  assert.equal(ch.filter((c) => c.warning.rule === 'grid_surge').length, 0);
});

test('a new grid (no history of its own) is measured against its town, scaled by population', () => {
  const region = rulesRegionOf(tongguan());
  // The grid "appeared" the day before: its own history is empty; its town's other grids have four weeks.
  const grids = new Map(region.grids);
  grids.set(G.id, { ...grids.get(G.id)!, since: DAY0 - DAY });
  const e = new RulesEngine({ region: { ...region, grids }, config: config(), tz: TZ });
  const neighbours = [...region.grids].filter(([id, g]) => g.townCode === G.townCode && id !== G.id).slice(0, 20).map(([id]) => id);
  const ch = run(e, [...history('help', neighbours), ...burst([0, 5, 10, 15])], 20).filter((c) => c.warning.rule === 'grid_surge');
  assert.equal(ch.length, 1);
  assert.equal(ch[0]!.warning.regionCode, G.id);
  assert.equal(ch[0]!.warning.figures.fallback, 1);
  assert.match(ch[0]!.warning.reason, /新网格/);
  // The same burst in a neighbour with its own (quiet, 1 call/day) history is an ordinary surge.
  const own = run(e, burst([30, 31, 32, 33], 'help', neighbours[0]), 40).filter((c) => c.warning.rule === 'grid_surge');
  assert.equal(own[0]?.warning.figures.fallback, 0);
});

test('category_surge: a category county-wide, below / at / above, in different grids', () => {
  const e = engine();
  const grids = Array.from({ length: 10 }, (_, i) => gridOf(20 + i * 17).id);
  const fraud = (ms: number[]) => ms.map((m, i) => callRec({ receivedAt: iso(DAY0 + 10 * 60 * MIN + m * MIN), category: 'fraud', gridId: grids[i % grids.length] }));
  let ch = run(e, [...history('fraud', [grids[0]!]), ...fraud([0, 2, 4, 6, 8])], 9);
  assert.equal(ch.filter((c) => c.warning.rule === 'category_surge').length, 0);
  ch = run(e, fraud([10]), 11).filter((c) => c.warning.rule === 'category_surge');
  assert.equal(ch.length, 1);
  assert.equal(ch[0]!.warning.colour, 'yellow');
  assert.equal(ch[0]!.warning.subject, 'fraud');
  assert.equal(ch[0]!.warning.regionCode, '610522');
  assert.match(ch[0]!.warning.reason, /潼关县近1小时电信诈骗警情 6 起/);
  ch = run(e, fraud([12, 13, 14, 15]), 16).filter((c) => c.warning.rule === 'category_surge');
  assert.equal(ch.at(-1)!.warning.colour, 'red');
  assert.equal(ch.at(-1)!.warning.figures.hourCount, 10);
  // No grid had enough calls for a grid surge.
  assert.equal(e.openWarnings().filter((w) => w.rule === 'grid_surge').length, 0);
});

test('the rolled-forward baseline sums equal a full recomputation, hour after hour (with late events)', () => {
  const rng = mulberry32(3);
  const ring = new HourRing();
  const roll = newRoll();
  const start = 500_000;
  for (let h = start; h < start + 5 * 168; h++) {
    const n = Math.floor(rng() * 4);
    if (n) ring.add(h, n);
    // Late events up to the late horizon (well under a week) keep arriving.
    if (rng() < 0.3) ring.add(h - Math.floor(rng() * 100), 1);
    for (const weeks of [4]) {
      const full = baselinesAt(ring, h, start, weeks);
      const rolled = baselinesAt(ring, h, start, weeks, roll);
      assert.deepEqual(rolled, full, `hour ${h - start}`);
    }
  }
});

test('sliding counters count exactly the last N units, whatever the gaps', () => {
  const rng = mulberry32(5);
  const c = new SlidingCounter(60);
  const log: number[] = [];
  let u = 1000;
  for (let i = 0; i < 5000; i++) {
    u += rng() < 0.1 ? Math.floor(rng() * 120) : rng() < 0.5 ? 1 : 0;
    const late = rng() < 0.2 ? u - Math.floor(rng() * 70) : u;
    c.add(late);
    if (late > u - 60) log.push(late);
    const expect = log.filter((x) => x > u - 60 && x <= u).length;
    assert.equal(c.countAt(u), expect);
  }
});

test("a grid added by a region reload is new from then on: its town's baseline until it has its own", () => {
  const full = rulesRegionOf(tongguan());
  const without = new Map(full.grids);
  without.delete(G.id);
  const e = new RulesEngine({ region: { ...full, grids: without }, config: config(), tz: TZ });
  const neighbours = [...full.grids].filter(([id, g]) => g.townCode === G.townCode && id !== G.id).slice(0, 20).map(([id]) => id);
  // Four weeks of town history while the grid does not exist (its calls, if any, are not a grid's).
  run(e, history('help', neighbours), -60);
  e.setRegion(full);
  const ch = run(e, burst([0, 5, 10, 15]), 20).filter((c) => c.warning.rule === 'grid_surge');
  assert.equal(ch.length, 1);
  assert.equal(ch[0]!.warning.figures.fallback, 1);
});

test('historyFrom: older events (an old open case) do not make missing weeks count as quiet ones', () => {
  const old = caseRec({ caseId: 'OLD', changedAt: iso(DAY0 - 60 * DAY) });
  // Only the last 8 days of calls are loaded (one week + the day window behind it): with
  // history counted from the old case, weeks 2–4 would count as zeros.
  const week = history('traffic', [G.id]).slice(-8);
  const naive = engine();
  run(naive, [old, ...week, ...burst([0, 5, 10, 15])], 20);
  const told = new RulesEngine({ region: rulesRegionOf(tongguan()), config: config(), tz: TZ, historyFrom: DAY0 - 8 * DAY });
  run(told, [old, ...week, ...burst([0, 5, 10, 15])], 20);
  const b = (e: RulesEngine) => e.openWarnings().find((w) => w.rule === 'grid_surge')?.figures.hourBaseline;
  assert.equal(b(told), 1, 'one week of history: the 10:00 baseline is 1 call');
  assert.equal(b(naive), 0.25, 'counted as four weeks, three of them empty');
});
