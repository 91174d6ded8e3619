/**
 * The engine's lifecycle and time handling: deterministic ids, one open warning per
 * (rule, subject), acknowledgement and re-alarm, late and too-late events, config reloads,
 * a device clock running ahead, sweep-only mode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WarningChange } from '@watchfloor/config/rules';
import { alertRec, at, caseRec, config, DAY, engine, gridOf, HOUR, iso, MIN } from '../support/rules';

const R = 30_000;
const T0 = at('2026-11-20 10:00');
const G = gridOf(0);
const cam = G.cameras[0]!.id;
const crowd = (m: number, id?: string) => alertRec({ cameraId: cam, occurredAt: iso(T0 + m * MIN), type: 'crowd', confidence: 0.9, ...(id ? { id } : {}) });
const of = (rule: string) => (c: WarningChange) => c.warning.rule === rule;

test('ids are a function of rule, subject and episode start; one open warning per (rule, subject)', () => {
  const recs = [0, 2, 4, 6, 8, 10, 12, 14, 16].map((m) => crowd(m, `X${m}`));
  const a = engine();
  const b = engine();
  const chA = [...a.ingest(recs), ...a.sweep(T0 + 17 * MIN)].filter(of('crowd_cluster'));
  const chB = [...b.ingest(recs.slice(0, 4)), ...b.ingest(recs.slice(4)), ...b.sweep(T0 + 17 * MIN)].filter(of('crowd_cluster'));
  assert.deepEqual(chA.map((c) => c.warning.id), chB.map((c) => c.warning.id));
  assert.equal(chA.filter((c) => c.kind === 'raised').length, 1, 'the cluster keeps growing: one warning, updated');
  assert.equal(new Set(chA.map((c) => c.warning.id)).size, 1);
  // A later episode in the same grid is a new warning with a new id.
  const later = [...a.ingest([60, 61, 62, 63].map((m) => crowd(m))), ...a.sweep(T0 + 64 * MIN)].filter(of('crowd_cluster'));
  const raised = later.filter((c) => c.kind === 'raised');
  assert.equal(raised.length, 1);
  assert.notEqual(raised[0]!.warning.id, chA[0]!.warning.id);
  assert.equal(a.openWarnings().filter((w) => w.rule === 'crowd_cluster').length, 1);
});

test('lifecycle: raised → acknowledged → re-alarmed by a colour rise → resolved', () => {
  const e = engine();
  const [r] = [...e.ingest([0, 1, 2, 3].map((m) => crowd(m))), ...e.sweep(T0 + 4 * MIN)].filter(of('crowd_cluster'));
  assert.equal(r!.kind, 'raised');
  assert.equal(r!.warning.status, 'raised');
  const ack = e.acknowledge(r!.warning.id, 'duty-1', T0 + 5 * MIN)!;
  assert.equal(ack.kind, 'updated');
  assert.deepEqual([ack.warning.status, ack.warning.acknowledgedBy, ack.warning.acknowledgedAt], ['acknowledged', 'duty-1', T0 + 5 * MIN]);
  assert.equal(e.acknowledge(r!.warning.id, 'duty-2', T0 + 6 * MIN), null, 'already acknowledged');
  assert.equal(e.acknowledge('no-such-id', 'duty-1', T0), null);
  // Two more alerts: 6 → red. The acknowledgement was for yellow: the warning asks for attention again.
  const up = [...e.ingest([6, 7].map((m) => crowd(m))), ...e.sweep(T0 + 8 * MIN)].filter(of('crowd_cluster'));
  const red = up.find((c) => c.warning.colour === 'red')!;
  assert.deepEqual([red.kind, red.warning.status, red.warning.acknowledgedBy], ['updated', 'raised', null]);
  const done = e.sweep(T0 + 2 * HOUR).filter(of('crowd_cluster'));
  assert.deepEqual(done.map((c) => [c.kind, c.warning.status]), [['resolved', 'resolved']]);
  assert.equal(e.acknowledge(r!.warning.id, 'duty-1', T0 + 3 * HOUR), null, 'a resolved warning cannot be acknowledged');
  assert.equal(e.openWarnings().length, 0);
});

test('a late event (behind the watermark) still counts, acting as of the watermark; an older one feeds history', () => {
  const e = engine();
  e.ingest([caseRec({ caseId: 'OLD-0', changedAt: iso(at('2026-11-18 08:00')) })]);
  e.sweep(at('2026-11-18 12:00'));
  // A registration of yesterday 11:00 arrives only now (Wed 12:00): due today, so yellow since
  // 00:00. History already handed out is not rewritten (the change comes now), but the warning
  // is the one a recompute gives: raised at 00:00, the instant it fell due.
  e.sweep(at('2026-11-18 12:00') + R);
  const w = e.watermark!;
  const ch = e.ingest([caseRec({ caseId: 'LATE-1', changedAt: iso(at('2026-11-17 11:00')) })]).filter(of('case_deadline'));
  assert.equal(e.stats().late, 1);
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.colour, c.warning.raisedAt, c.warning.updatedAt]), [['raised', 'yellow', at('2026-11-18 00:00'), w]]);
  assert.equal(ch[0]!.warning.figures.enteredAt, at('2026-11-17 11:00'), 'its clock still runs from its own event time');
  // Older than the late horizon (26 h behind the watermark): history, counted once, redeliveries dropped.
  const before = e.stats().events;
  const old = caseRec({ caseId: 'LATE-2', changedAt: iso(w - 27 * HOUR) });
  e.ingest([old]);
  e.ingest([old]);
  assert.equal(e.stats().history, 1);
  assert.equal(e.stats().events, before + 1);
  assert.equal(e.stats().duplicates, 1);
});

test('a config reload re-evaluates at the watermark: lower thresholds raise, a disabled rule resolves', () => {
  const e = engine();
  assert.equal([...e.ingest([0, 1, 2].map((m) => crowd(m))), ...e.sweep(T0 + 3 * MIN)].filter(of('crowd_cluster')).length, 0);
  const base = config();
  let ch = e.setConfig(config({ crowd_cluster: { ...base.crowd_cluster, yellowCount: 3 } })).filter(of('crowd_cluster'));
  // Raised now, dated by the events: since the third alert, as a restart under the new config would say.
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.raisedAt, c.warning.updatedAt]), [['raised', T0 + 2 * MIN, e.watermark]]);
  ch = e.setConfig(config({ crowd_cluster: { ...base.crowd_cluster, enabled: false } })).filter(of('crowd_cluster'));
  assert.deepEqual(ch.map((c) => c.kind), ['resolved']);
  // Off means off, also for new events; state keeps counting so that switching back on has history.
  assert.equal([...e.ingest([4].map((m) => crowd(m))), ...e.sweep(T0 + 5 * MIN)].filter(of('crowd_cluster')).length, 0);
  ch = e.setConfig(config({ crowd_cluster: { ...base.crowd_cluster, yellowCount: 3 } })).filter(of('crowd_cluster'));
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.figures.alerts]), [['raised', 4]]);
});

test('a device clock running ahead does not drag the watermark (and everyone else) into lateness', () => {
  const e = engine();
  e.sweep(T0);
  e.ingest([crowd(0)]);
  e.ingest([alertRec({ cameraId: cam, occurredAt: iso(T0 + 2 * HOUR), type: 'intrusion', confidence: 0.9 })]);
  assert.ok(e.watermark! < T0 + HOUR, 'the skewed event does not advance the clock');
  e.ingest([crowd(1), crowd(2), crowd(3)]);
  assert.equal(e.stats().late, 0);
  const ch = e.sweep(T0 + 4 * MIN).filter(of('crowd_cluster'));
  assert.equal(ch[0]?.warning.raisedAt, T0 + 3 * MIN);
});

test('sweep-only mode (advanceOnIngest false): ingest buffers, the sweep decides', () => {
  const base = config();
  const e = engine(config({ engine: { ...base.engine, advanceOnIngest: false } }));
  const ch = e.ingest([0, 1, 2, 3].map((m) => crowd(m)));
  assert.equal(ch.length, 0);
  assert.equal(e.stats().pending, 4);
  const sw = e.sweep(T0 + 4 * MIN).filter(of('crowd_cluster'));
  assert.equal(sw[0]?.warning.raisedAt, T0 + 3 * MIN);
});

test('state stays bounded: after weeks without events only the fixed rings remain', () => {
  const e = engine();
  e.ingest([0, 1, 2, 3, 4, 5].map((m) => crowd(m)));
  e.ingest([caseRec({ caseId: 'B1', changedAt: iso(T0) }), caseRec({ caseId: 'B1', status: 'closed', changedAt: iso(T0 + HOUR) })]);
  e.sweep(T0 + 30 * DAY);
  const s = e.stats();
  assert.equal(s.openWarnings, 0);
  assert.equal(s.subjects.crowd_cluster, 0);
  assert.equal(s.subjects.case_deadline, 0);
  assert.equal(s.subjects.dispatch_delay, 0);
  assert.ok(s.timers <= 2, `timers left: ${s.timers}`);
});
