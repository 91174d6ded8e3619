/**
 * case_deadline (四级七天) and red_case: clocks from event times, moved by escalation,
 * stopped by resolution, fired by sweeps without new events, across holidays and make-up
 * workdays; replays give the same warnings stamped when they fell due.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WarningChange } from '@watchfloor/config/rules';
import type { StoredRecord } from '@watchfloor/ingest/records';
import type { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { at, caseRec, engine, fold, HOUR, iso, MIN, view } from '../support/rules';

const R = 30_000; // the default reorder allowance: sweeps reach now − 30 s
const deadlines = (ch: WarningChange[]) => ch.filter((c) => c.warning.rule === 'case_deadline').map((c) => [c.kind, c.warning.colour, iso(c.kind === 'resolved' ? c.warning.resolvedAt! : c.warning.updatedAt)]);

/** Sweeps every `stepMin` minutes from..to (local), collecting changes: what the live sweep does. */
function sweepEvery(e: RulesEngine, from: number, to: number, stepMin = 60): WarningChange[] {
  const out: WarningChange[] = [];
  for (let t = from; t <= to; t += stepMin * MIN) out.push(...e.sweep(t + R));
  return out;
}

test('a grid-level case: yellow when due today, red when overdue, fired by sweeps alone', () => {
  const e = engine();
  const ch = e.ingest([caseRec({ caseId: 'MD1', changedAt: iso('2026-11-16 09:00') }), caseRec({ caseId: 'MD1', status: 'mediating', changedAt: iso('2026-11-16 09:40') })]);
  ch.push(...sweepEvery(e, at('2026-11-16 10:00'), at('2026-11-18 12:00'), 7));
  // Mon 09:00 at grid level (1 working day): due end of Tue → yellow Tue 00:00, red Wed 00:00.
  assert.deepEqual(deadlines(ch), [
    ['raised', 'yellow', '2026-11-17T00:00:00.000+08:00'],
    ['updated', 'red', '2026-11-18T00:00:00.000+08:00'],
  ]);
  const w = ch.at(-1)!.warning;
  assert.equal(w.raisedAt, at('2026-11-17 00:00'));
  assert.match(w.reason, /矛盾纠纷 MD1 在网格层级已超期（时限 1 个工作日，应于11月17日前化解）/);
  assert.equal(w.figures.deadline, at('2026-11-18 00:00'));
});

test('escalation moves the clock; resolution stops it', () => {
  const e = engine();
  const ch = e.ingest([
    caseRec({ caseId: 'MD2', changedAt: iso('2026-11-16 09:00') }),
    caseRec({ caseId: 'MD2', status: 'escalated', level: 'village', changedAt: iso('2026-11-17 15:00') }),
    caseRec({ caseId: 'MD2', status: 'mediating', level: 'village', changedAt: iso('2026-11-17 16:00') }),
    caseRec({ caseId: 'MD2', status: 'resolved', level: 'village', changedAt: iso('2026-11-19 10:00') }),
  ]);
  ch.push(...e.sweep(at('2026-11-30 00:00')));
  assert.deepEqual(deadlines(ch), [
    ['raised', 'yellow', '2026-11-17T00:00:00.000+08:00'], // grid clock due Tue
    ['resolved', 'yellow', '2026-11-17T15:00:00.000+08:00'], // escalated: that clock is over
    ['raised', 'yellow', '2026-11-19T00:00:00.000+08:00'], // village: Wed, Thu → due end of Thu
    ['resolved', 'yellow', '2026-11-19T10:00:00.000+08:00'], // resolved before the deadline: never red
  ]);
  assert.equal(e.stats().subjects.case_deadline, 0, 'nothing is left of the resolved case once the late horizon has passed');
});

test('National Day: no clock runs over the holiday; the make-up Saturday counts', () => {
  const e = engine();
  const ch = e.ingest([caseRec({ caseId: 'MD3', changedAt: iso('2026-09-30 15:00') })]);
  ch.push(...sweepEvery(e, at('2026-09-30 16:00'), at('2026-10-07 23:00')));
  assert.deepEqual(deadlines(ch), [], 'nothing during the holiday week');
  ch.push(...e.ingest([caseRec({ caseId: 'MD4', status: 'escalated', level: 'village', changedAt: iso('2026-10-08 11:00') })]));
  ch.push(...sweepEvery(e, at('2026-10-08 00:00'), at('2026-10-12 00:00')));
  assert.deepEqual(deadlines(ch), [
    ['raised', 'yellow', '2026-10-08T00:00:00.000+08:00'], // MD3: working day 1 is Thu 10-08
    ['updated', 'red', '2026-10-09T00:00:00.000+08:00'],
    ['raised', 'yellow', '2026-10-10T00:00:00.000+08:00'], // MD4: Fri 10-09, Sat 10-10 (调休上班) → due end of Sat
    ['updated', 'red', '2026-10-11T00:00:00.000+08:00'],
  ]);
});

test('a replay after the fact gives the same warnings, stamped when they fell due', () => {
  const events: StoredRecord[] = [
    caseRec({ caseId: 'MD5', changedAt: iso('2026-11-16 09:00'), risk: 'yellow' }),
    caseRec({ caseId: 'MD5', status: 'escalated', level: 'village', risk: 'red', changedAt: iso('2026-11-18 08:00') }),
    caseRec({ caseId: 'MD5', status: 'escalated', level: 'town', risk: 'red', changedAt: iso('2026-11-23 09:30') }),
    caseRec({ caseId: 'MD5', status: 'resolved', level: 'town', risk: 'red', changedAt: iso('2026-11-24 17:00') }),
  ];
  const live = engine();
  const liveCh: WarningChange[] = [];
  for (const ev of events) {
    const t = Date.parse((ev.event as { changedAt: string }).changedAt);
    liveCh.push(...sweepEvery(live, t - 48 * HOUR, t - MIN, 13), ...live.ingest([ev]));
  }
  liveCh.push(...live.sweep(at('2026-12-01 00:00')));
  const replay = engine();
  const replayCh = [...replay.ingest([...events].reverse()), ...replay.sweep(at('2026-12-01 00:00'))];
  const a = [...fold(liveCh).values()].map(view).sort((x, y) => x.id.localeCompare(y.id));
  const b = [...fold(replayCh).values()].map(view).sort((x, y) => x.id.localeCompare(y.id));
  assert.deepEqual(b, a);
  assert.deepEqual(a.filter((w) => w.rule === 'case_deadline').map((w) => [w.colour, iso(w.raisedAt), iso(w.resolvedAt!)]).sort((x, y) => x[1]!.localeCompare(y[1]!)), [
    ['red', '2026-11-17T00:00:00.000+08:00', '2026-11-18T08:00:00.000+08:00'],
    // village from Wed 08:00: Thu + Fri → yellow Fri 00:00, red Sat 00:00, over when escalated Mon.
    ['red', '2026-11-20T00:00:00.000+08:00', '2026-11-23T09:30:00.000+08:00'],
    // town from Mon 09:30: Tue + Wed → yellow Wed 00:00; resolved Tue 17:00 before that: no warning.
  ]);
  assert.deepEqual(a.filter((w) => w.rule === 'red_case').map((w) => [iso(w.raisedAt), iso(w.resolvedAt!)]), [
    ['2026-11-18T08:00:00.000+08:00', '2026-11-24T17:00:00.000+08:00'],
  ]);
});

test('out of order: the escalation arriving before the registration changes nothing', () => {
  const reg = caseRec({ caseId: 'MD6', changedAt: iso('2026-11-16 09:00') });
  const esc = caseRec({ caseId: 'MD6', status: 'escalated', level: 'village', changedAt: iso('2026-11-16 09:00:10') });
  const a = engine();
  const chA = [...a.ingest([reg]), ...a.ingest([esc]), ...a.sweep(at('2026-11-25 00:00'))];
  const b = engine();
  const chB = [...b.ingest([esc]), ...b.ingest([reg]), ...b.sweep(at('2026-11-25 00:00'))];
  assert.deepEqual([...fold(chB).values()].map(view), [...fold(chA).values()].map(view));
  assert.ok(chA.some((c) => c.warning.rule === 'case_deadline'));
});

test('closed cases stay closed: a redelivered old change does not revive them; reopening restarts the clock', () => {
  const e = engine();
  e.ingest([
    caseRec({ caseId: 'MD7', changedAt: iso('2026-11-16 09:00') }),
    caseRec({ caseId: 'MD7', status: 'resolved', changedAt: iso('2026-11-16 15:00') }),
    caseRec({ caseId: 'MD7', status: 'closed', changedAt: iso('2026-11-16 16:00') }),
  ]);
  e.sweep(at('2026-11-16 18:00'));
  // A stale "mediating" of 10:00 comes in late (behind the watermark): the tombstone ignores it.
  let ch = e.ingest([caseRec({ caseId: 'MD7', status: 'mediating', changedAt: iso('2026-11-16 10:00') })]);
  ch.push(...e.sweep(at('2026-11-20 00:00')));
  assert.deepEqual(deadlines(ch), []);
  ch = e.ingest([caseRec({ caseId: 'MD7', status: 'reopened', changedAt: iso('2026-11-20 09:00') })]);
  ch.push(...e.sweep(at('2026-11-24 00:00') + R));
  // Reopened Fri → 1 working day → Mon: yellow Mon 00:00, red Tue 00:00.
  assert.deepEqual(deadlines(ch), [
    ['raised', 'yellow', '2026-11-23T00:00:00.000+08:00'],
    ['updated', 'red', '2026-11-24T00:00:00.000+08:00'],
  ]);
});

test('red_case: a red open case is a warning until resolved or no longer red', () => {
  const e = engine();
  const ch = e.ingest([
    caseRec({ caseId: 'MD8', changedAt: iso('2026-11-16 09:00'), risk: 'blue' }),
    caseRec({ caseId: 'MD8', status: 'mediating', changedAt: iso('2026-11-16 10:00'), risk: 'red' }),
    caseRec({ caseId: 'MD8', status: 'mediating', changedAt: iso('2026-11-16 11:00'), risk: 'yellow' }),
    caseRec({ caseId: 'MD9', changedAt: iso('2026-11-16 09:00'), risk: 'red', kind: 'petition' }),
    caseRec({ caseId: 'MD9', status: 'escalated', level: 'village', changedAt: iso('2026-11-16 12:00'), risk: 'red', kind: 'petition' }),
    caseRec({ caseId: 'MD9', status: 'resolved', level: 'village', changedAt: iso('2026-11-16 14:00'), risk: 'red', kind: 'petition' }),
  ]);
  ch.push(...e.sweep(at('2026-11-16 15:00')));
  const red = ch.filter((c) => c.warning.rule === 'red_case').map((c) => [c.kind, c.warning.subject, iso(c.warning.updatedAt)]);
  assert.deepEqual(red.sort(), [
    ['raised', 'MD8', '2026-11-16T10:00:00.000+08:00'],
    ['resolved', 'MD8', '2026-11-16T11:00:00.000+08:00'],
    ['raised', 'MD9', '2026-11-16T09:00:00.000+08:00'],
    ['updated', 'MD9', '2026-11-16T12:00:00.000+08:00'], // the reason now names the village level
    ['resolved', 'MD9', '2026-11-16T14:00:00.000+08:00'],
  ].sort());
  const upd = ch.find((c) => c.warning.rule === 'red_case' && c.kind === 'updated')!;
  assert.match(upd.warning.reason, /红色风险信访事项 MD9（村（社区）层级）尚未化解/);
});
