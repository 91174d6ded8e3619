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
import { alertRec, at, callRec, caseRec, config, DAY, gridOf, HOUR, iso, MIN, TZ } from '../support/rules';

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

/**
 * The threshold rules: the event that tips a count arrives late (behind the reorder allowance),
 * so the live engine finds the crossing at its watermark; a rebuild from the same events
 * finds it at that event's time. Both must name the same warning, raised at the same instant.
 */
function sameLiveAndRebuilt(deliveries: Delivery[], times: Map<StoredRecord, number>, from: number, to: number, rules: string[]): Warning[] {
  const live = liveEngine();
  runLive(live, deliveries, from, to);
  assert.ok(live.stats().late > 0, 'something arrived late');
  const again = rebuild(deliveries, times, to);
  const a = live.openWarnings();
  const b = again.openWarnings();
  for (const rule of rules) {
    assert.ok(byRule(b, rule).length > 0, `the rebuild raises ${rule}`);
    assert.deepEqual(byRule(a, rule).sort((x, y) => x.id.localeCompare(y.id)), byRule(b, rule).sort((x, y) => x.id.localeCompare(y.id)), rule);
  }
  return a;
}

function deliveriesOf(): { deliveries: Delivery[]; times: Map<StoredRecord, number>; mk: (rec: StoredRecord, t: number, delay?: number) => StoredRecord } {
  const deliveries: Delivery[] = [];
  const times = new Map<StoredRecord, number>();
  const mk = (rec: StoredRecord, t: number, delay = 1_000) => {
    times.set(rec, t);
    deliveries.push({ arrives: t + delay, rec });
    return rec;
  };
  return { deliveries, times, mk };
}

test('threshold rules, tipped late: crowd_cluster and camera_online ids and raisedAt do not depend on when the engine ran', () => {
  const { deliveries, times, mk } = deliveriesOf();
  // Background traffic moves the watermark with the events.
  for (let i = 0; i < 40; i++) mk(callRec({ receivedAt: iso(T0 + i * MIN) }), T0 + i * MIN, 2_000);
  // Four crowd alerts in one grid (yellowCount 4); the second reaches the engine four minutes late.
  const g = gridOf(20);
  const cam = g.cameras[0]!.id;
  for (const [m, delay] of [[25, 1_000], [26, 4 * MIN], [27, 1_000], [28, 1_000]] as const) {
    mk(alertRec({ cameraId: cam, occurredAt: iso(T0 + m * MIN), type: 'crowd', confidence: 0.9 }), T0 + m * MIN, delay);
  }
  // Enough of one town's cameras go offline to take it below 95 %; the next-to-last notice is late.
  const town = tongguan().cameras[0]!.townCode;
  const cams = tongguan().cameras.filter((c) => c.townCode === town);
  const k = Math.floor(cams.length * 0.05) + 1;
  const offAt = (i: number) => T0 + 10 * MIN + i * MIN;
  for (let i = 0; i < k; i++) {
    mk(alertRec({ cameraId: cams[i]!.id, occurredAt: iso(offAt(i)), type: 'camera_offline', confidence: 1 }), offAt(i), i === Math.max(0, k - 2) ? 5 * MIN : 1_000);
  }
  const open = sameLiveAndRebuilt(deliveries, times, T0, END, ['crowd_cluster', 'camera_online']);
  assert.equal(open.find((w) => w.rule === 'crowd_cluster')!.raisedAt, T0 + 28 * MIN, 'since the fourth alert');
  assert.equal(open.find((w) => w.rule === 'camera_online')!.raisedAt, offAt(k - 1), 'since the notice that took the rate below');
});

test('threshold rules, tipped late: grid_surge and category_surge ids and raisedAt do not depend on when the engine ran', () => {
  const { deliveries, times, mk } = deliveriesOf();
  const g = gridOf(5);
  const NOW = at('2026-11-25 20:00');
  const point = { lon: g.point!.lon, lat: g.point!.lat };
  for (let i = 0; i < 12; i++) mk(callRec({ receivedAt: iso(NOW - HOUR + i * 5 * MIN) }), NOW - HOUR + i * 5 * MIN);
  // Four weeks of this grid's fraud calls, one every 3 hours, posted as an import at NOW − 50 min.
  for (let t = NOW - 28 * DAY; t < NOW - 2 * DAY; t += 3 * HOUR) mk(callRec({ receivedAt: iso(t), location: point, gridId: g.id, category: 'fraud' }), t, NOW - 50 * MIN - t);
  // Ten fraud calls in that grid, 4 minutes apart, within the hour: the 4th (grid yellow) and
  // the 6th (county fraud yellow) each reach the engine 3 minutes late, before the next call.
  const t = (i: number) => NOW + 5 * MIN + i * 4 * MIN;
  for (let i = 0; i < 10; i++) mk(callRec({ id: `FRAUD-${i}`, receivedAt: iso(t(i)), location: point, gridId: g.id, category: 'fraud' }), t(i), i === 3 || i === 5 ? 3 * MIN : 1_000);
  const open = sameLiveAndRebuilt(deliveries, times, NOW - HOUR, NOW + 50 * MIN, ['grid_surge', 'category_surge']);
  assert.equal(open.find((w) => w.rule === 'grid_surge' && w.subject === g.id)!.raisedAt, t(3), 'since the fourth call');
  assert.equal(open.find((w) => w.rule === 'category_surge' && w.subject === 'fraud')!.raisedAt, t(5), 'since the sixth call');
});

test('threshold rules, tipped late: repeat_dispute (caller and place) ids and raisedAt do not depend on when the engine ran', () => {
  const { deliveries, times, mk } = deliveriesOf();
  for (let i = 0; i < 40; i++) mk(callRec({ receivedAt: iso(T0 + i * MIN) }), T0 + i * MIN, 2_000);
  // One phone calling three times about a neighbour; its second call is entered 8 minutes late.
  const home = gridOf(40);
  for (const [m, delay] of [[5, 1_000], [10, 8 * MIN], [15, 1_000]] as const) {
    mk(callRec({ receivedAt: iso(T0 + m * MIN), category: 'dispute.neighbor', callerPhone: '13700001111', location: home.point!, gridId: home.id }), T0 + m * MIN, delay);
  }
  // Three callers without a number at one spot; the middle call is late: the cluster forms at the third.
  const spot = gridOf(60);
  for (const [m, delay] of [[20, 1_000], [25, 8 * MIN], [30, 1_000]] as const) {
    mk(callRec({ receivedAt: iso(T0 + m * MIN), category: 'dispute.land', location: spot.point!, gridId: spot.id }), T0 + m * MIN, delay);
  }
  const open = sameLiveAndRebuilt(deliveries, times, T0, END, ['repeat_dispute']);
  const rd = open.filter((w) => w.rule === 'repeat_dispute');
  assert.deepEqual(rd.map((w) => [w.subject, w.raisedAt]).sort(), [[home.id, T0 + 15 * MIN], [spot.id, T0 + 30 * MIN]].sort());
});
