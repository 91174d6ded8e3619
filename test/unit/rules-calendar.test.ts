/**
 * The 四级七天 working-day clock: weekends, the configured 2026 holidays and make-up
 * workdays (config/rules/calendar.json — configuration, not truth), and the documented
 * deadline rule: end of the Nth working day after the day the case entered its level.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CalendarConfig, loadRulesConfig } from '@watchfloor/config/rules';
import { addWorkingDays, addWorkingTime, isWorkingDay, makeWorkCalendar, workingTimeBetween } from '@watchfloor/ingest/rules/workCalendar';
import { at, HOUR } from '../support/rules';

const cal = makeWorkCalendar(loadRulesConfig().calendar, 'Asia/Shanghai');
const plain = makeWorkCalendar(CalendarConfig.parse({}), 'Asia/Shanghai');
const local = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

test('ordinary weeks: the entry day never counts, the deadline is the midnight ending the Nth working day', () => {
  // Mon 2026-11-16
  assert.equal(local(addWorkingDays(at('2026-11-16 09:00'), 1, cal)), '2026-11-18 00:00');
  assert.equal(local(addWorkingDays(at('2026-11-16 23:59'), 1, cal)), '2026-11-18 00:00');
  assert.equal(local(addWorkingDays(at('2026-11-16 00:00'), 1, cal)), '2026-11-18 00:00');
  // Friday → the next working day is Monday.
  assert.equal(local(addWorkingDays(at('2026-11-20 16:55'), 1, cal)), '2026-11-24 00:00');
  // Entered on a Saturday: Monday is working day 1.
  assert.equal(local(addWorkingDays(at('2026-11-21 10:00'), 2, cal)), '2026-11-25 00:00');
  // 四级七天: 1 + 2 + 2 + 2 working days from a Monday, each level taking its full limit.
  let t = at('2026-11-16 09:00');
  for (const n of [1, 2, 2, 2]) t = addWorkingDays(t, n, cal);
  // Grid: Tue 17 → ends Wed 18 00:00, which is the village's entry day (not counted): Thu 19, Fri 20 →
  // town enters Sat 21: Mon 23, Tue 24 → county enters Wed 25: Thu 26, Fri 27 → Sat 28 00:00.
  assert.equal(local(t), '2026-11-28 00:00');
});

test('National Day: the holiday week does not count, and Saturday 10-10 (调休上班) does', () => {
  // Wed 09-30 is a working day; 10-01..10-07 holiday; Thu 10-08 is working day 1.
  assert.equal(local(addWorkingDays(at('2026-09-30 15:00'), 1, cal)), '2026-10-09 00:00');
  assert.equal(local(addWorkingDays(at('2026-10-03 10:00'), 1, cal)), '2026-10-09 00:00');
  // From Thu 10-08: Fri 10-09 and Sat 10-10 (make-up workday).
  assert.equal(local(addWorkingDays(at('2026-10-08 11:00'), 2, cal)), '2026-10-11 00:00');
  // Without the calendar the same clocks run through the holiday and skip the Saturday.
  assert.equal(local(addWorkingDays(at('2026-09-30 15:00'), 1, plain)), '2026-10-02 00:00');
  assert.equal(local(addWorkingDays(at('2026-10-08 11:00'), 2, plain)), '2026-10-13 00:00');
  assert.equal(isWorkingDay(at('2026-10-10 12:00'), cal), true);
  assert.equal(isWorkingDay(at('2026-10-05 12:00'), cal), false);
  assert.equal(isWorkingDay(at('2026-10-05 12:00'), plain), true);
});

test('a Sunday make-up workday (09-20) counts; Mid-Autumn (Fri 09-25) does not', () => {
  assert.equal(local(addWorkingDays(at('2026-09-18 10:00'), 1, cal)), '2026-09-21 00:00');
  assert.equal(local(addWorkingDays(at('2026-09-18 10:00'), 1, plain)), '2026-09-22 00:00');
  // Thu 09-24 + 2: Fri 25 holiday, weekend (also holiday), Mon 28, Tue 29.
  assert.equal(local(addWorkingDays(at('2026-09-24 10:00'), 2, cal)), '2026-09-30 00:00');
});

test('working time: only working days count, in whole days', () => {
  assert.equal(workingTimeBetween(at('2026-11-20 12:00'), at('2026-11-23 12:00'), cal), 24 * HOUR); // Fri noon → Mon noon
  assert.equal(workingTimeBetween(at('2026-09-30 00:00'), at('2026-10-09 00:00'), cal), 48 * HOUR); // 09-30 and 10-08
  assert.equal(workingTimeBetween(at('2026-10-09 00:00'), at('2026-09-30 00:00'), cal), -48 * HOUR);
  // Backwards from a deadline: 24 h is the start of the last working day; 36 h reaches over the weekend.
  assert.equal(local(addWorkingTime(at('2026-11-24 00:00'), -24 * HOUR, cal)), '2026-11-23 00:00');
  assert.equal(local(addWorkingTime(at('2026-11-24 00:00'), -36 * HOUR, cal)), '2026-11-20 12:00');
  // Back over National Day from the end of Sat 10-10 (make-up): 10-10, 10-09, 10-08, then 09-30.
  assert.equal(local(addWorkingTime(at('2026-10-11 00:00'), -84 * HOUR, cal)), '2026-09-30 12:00');
  // Forwards is the inverse; landing on a day's end stays at that midnight.
  assert.equal(local(addWorkingTime(at('2026-09-30 12:00'), 84 * HOUR, cal)), '2026-10-11 00:00');
  assert.equal(local(addWorkingTime(at('2026-11-20 12:00'), 12 * HOUR, cal)), '2026-11-21 00:00');
});

test('the calendar config rejects a make-up workday inside a holiday and impossible dates', () => {
  assert.throws(() => CalendarConfig.parse({ holidays: [{ name: 'x', from: '2026-10-01', to: '2026-10-07' }], makeupWorkdays: [{ name: 'y', date: '2026-10-03' }] }));
  assert.throws(() => CalendarConfig.parse({ holidays: [{ name: 'x', from: '2026-02-30', to: '2026-03-01' }] }));
  assert.throws(() => CalendarConfig.parse({ holidays: [{ name: 'x', from: '2026-10-07', to: '2026-10-01' }] }));
});
