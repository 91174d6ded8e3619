/**
 * What the engine makes of events that arrive late, or far behind its clock (an imported
 * history): the warnings must be the ones a rebuild from the same events gives later — same
 * ids, same raisedAt — and imported weeks must count in the baselines at once, not only after
 * a restart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredRecord } from '@watchfloor/ingest/records';
import { HISTORY_DAYS, RulesEngine } from '@watchfloor/ingest/rules/engine';
import { rulesRegionOf } from '@watchfloor/ingest/rules/region';
import type { Warning } from '@watchfloor/config/rules';
import { tongguan } from '../support/region';
import { at, callRec, caseRec, config, DAY, gridOf, HOUR, iso, MIN, TZ } from '../support/rules';

const T0 = at('2026-11-18 10:00'); // a Wednesday
const END = T0 + 40 * MIN;

/** A restarted engine as the warning service builds it: history from now − HISTORY_DAYS. */
const rebuiltEngine = (now: number) => new RulesEngine({ region: rulesRegionOf(tongguan()), config: config(), tz: TZ, historyFrom: now - HISTORY_DAYS * DAY });
const liveEngine = () => new RulesEngine({ region: rulesRegionOf(tongguan()), config: config(), tz: TZ });

interface Delivery { arrives: number; rec: StoredRecord }

/** Live: sweeps every 5 s of wall-clock time; each record handed over when it arrives. */
function runLive(e: RulesEngine, deliveries: Delivery[], from: number, to: number): void {
  const due = [...deliveries].sort((a, b) => a.arrives - b.arrives);
  let i = 0;
  for (let now = from; now <= to; now += 5_000) {
    const batch: StoredRecord[] = [];
    while (i < due.length && due[i]!.arrives <= now) batch.push(due[i++]!.rec);
    if (batch.length) e.ingest(batch);
    e.sweep(now);
  }
}

/** A rebuild: every stored event sorted by its time, then one sweep at `now`. */
function rebuild(deliveries: Delivery[], times: Map<StoredRecord, number>, now: number): RulesEngine {
  const e = rebuiltEngine(now);
  e.ingest([...deliveries].map((d) => d.rec).sort((a, b) => times.get(a)! - times.get(b)!));
  e.sweep(now);
  return e;
}

const byRule = (ws: Warning[], rule: string) => ws.filter((w) => w.rule === rule).map((w) => ({ id: w.id, raisedAt: w.raisedAt, colour: w.colour, subject: w.subject }));

test('ids and raisedAt do not depend on when the engine ran: late arrivals live = a rebuild later', () => {
  const times = new Map<StoredRecord, number>();
  const mk = (rec: StoredRecord, t: number, delay: number): Delivery => {
    times.set(rec, t);
    return { arrives: t + delay, rec };
  };
  const deliveries: Delivery[] = [
    // Background traffic, on time, so the watermark moves with the events as well as the sweeps.
    ...Array.from({ length: 40 }, (_, i) => mk(callRec({ receivedAt: iso(T0 + i * MIN) }), T0 + i * MIN, 2_000)),
    // A case turning red, entered two minutes after the fact (behind the 30 s reorder allowance).
    mk(caseRec({ caseId: 'RED-1', changedAt: iso(T0 + MIN), risk: 'red' }), T0 + MIN, 2 * MIN),
    // A priority-1 call reaching the engine ten minutes late: already past its yellow and red instants.
    mk(callRec({ id: 'P1-LATE', receivedAt: iso(T0 + 2 * MIN), priority: 1, category: 'criminal' }), T0 + 2 * MIN, 10 * MIN),
    // A registration made yesterday morning, typed in today: due since midnight.
    mk(caseRec({ caseId: 'DUE-1', changedAt: iso(at('2026-11-17 09:00')) }), at('2026-11-17 09:00'), 25 * HOUR + 5 * MIN),
    // A case registered two weeks ago, imported now (behind the late horizon): overdue.
    mk(caseRec({ caseId: 'OLD-1', changedAt: iso(at('2026-11-04 09:00')) }), at('2026-11-04 09:00'), 14 * DAY + 60 * MIN + 15 * MIN),
  ];
  const live = liveEngine();
  runLive(live, deliveries, T0, END);
  const again = rebuild(deliveries, times, END);

  const a = live.openWarnings();
  const b = again.openWarnings();
  for (const rule of ['red_case', 'dispatch_delay', 'case_deadline']) {
    assert.ok(byRule(b, rule).length > 0, `the rebuild raises ${rule}`);
    assert.deepEqual(byRule(a, rule).sort((x, y) => x.id.localeCompare(y.id)), byRule(b, rule).sort((x, y) => x.id.localeCompare(y.id)), rule);
  }
  const red = a.find((w) => w.rule === 'red_case')!;
  assert.equal(red.raisedAt, T0 + MIN, 'red since the change that made it red');
  const late = a.find((w) => w.rule === 'dispatch_delay')!;
  assert.equal(late.raisedAt, T0 + 2 * MIN + 3 * MIN, 'late since its yellow instant');
  assert.equal(live.stats().history, 1, 'the two-week-old registration was fed as history');
});

test('history imported while running feeds the baselines at once: the surge fires as it would after a restart', () => {
  const g = gridOf(5);
  const NOW = at('2026-11-25 20:00');
  const times = new Map<StoredRecord, number>();
  const mk = (rec: StoredRecord, t: number, arrives: number): Delivery => {
    times.set(rec, t);
    return { arrives, rec };
  };
  const point = { lon: g.point!.lon, lat: g.point!.lat };
  const deliveries: Delivery[] = [];
  // The system runs from NOW − 1 h with a little traffic elsewhere.
  for (let i = 0; i < 6; i++) deliveries.push(mk(callRec({ receivedAt: iso(NOW - HOUR + i * 10 * MIN) }), NOW - HOUR + i * 10 * MIN, NOW - HOUR + i * 10 * MIN + 1_000));
  // At NOW − 30 min the center posts its last 28 days (to two days ago) of this grid's calls: one every 3 hours.
  for (let t = NOW - 28 * DAY; t < NOW - 2 * DAY; t += 3 * HOUR) {
    deliveries.push(mk(callRec({ receivedAt: iso(t), location: point, gridId: g.id, category: 'help' }), t, NOW - 30 * MIN));
  }
  // Then a burst in that grid: 8 calls in 35 minutes.
  for (let i = 0; i < 8; i++) {
    const t = NOW - 20 * MIN + i * 5 * MIN;
    deliveries.push(mk(callRec({ id: `BURST-${i}`, receivedAt: iso(t), location: point, gridId: g.id, category: 'help' }), t, t + 1_000));
  }
  const live = liveEngine();
  runLive(live, deliveries, NOW - HOUR, NOW + 20 * MIN);
  assert.ok(live.stats().history > 150, JSON.stringify(live.stats()));
  const again = rebuild(deliveries, times, NOW + 20 * MIN);

  const surge = (e: RulesEngine) => e.openWarnings().filter((w) => w.rule === 'grid_surge' && w.subject === g.id);
  assert.equal(surge(again).length, 1, 'after a restart the surge fires');
  assert.equal(surge(live).length, 1, 'and without one');
  const [x, y] = [surge(live)[0]!, surge(again)[0]!];
  assert.deepEqual([x.id, x.raisedAt, x.colour, x.figures], [y.id, y.raisedAt, y.colour, y.figures]);
});

test('imported history that repeats is counted once', () => {
  const g = gridOf(5);
  const NOW = at('2026-11-25 20:00');
  const e = liveEngine();
  e.ingest([callRec({ receivedAt: iso(NOW) })]);
  e.sweep(NOW);
  const old = Array.from({ length: 20 }, (_, i) => callRec({ id: `H-${i}`, receivedAt: iso(NOW - 10 * DAY + i * HOUR), gridId: g.id }));
  e.ingest(old);
  e.ingest(old);
  assert.equal(e.stats().history, 20);
  assert.equal(e.stats().duplicates, 20);
});
