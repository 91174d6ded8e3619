/**
 * The browser tests' "today so far" (test/support/today.ts) with a fake clock: a run about to
 * cross the center's midnight first waits until just past it, so that events placed "today"
 * are still today's when the run's last check is made; far from midnight it does not wait.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAST_MIDNIGHT_MS, endOfDay, todayFor, type Clock } from '../support/today';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const MIDNIGHT = Date.parse('2026-12-04T16:00:00Z'); // 2026-12-05 00:00 in Shanghai

function fakeClock(start: number): Clock & { slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

/** Every instant `back` gives, over the run: still inside today when the run ends `lastsMs` later. */
function assertStaysToday(day: Awaited<ReturnType<typeof todayFor>>, lastsMs: number) {
  for (const f of [0, 0.1, 0.5, 0.9, 1]) {
    const at = Date.parse(day.back(f));
    assert.ok(at >= day.dayStart && at <= day.now, `${day.back(f)} within today so far`);
  }
  assert.ok(day.now + lastsMs < day.dayEnd, 'the run ends before the next midnight');
  assert.equal(endOfDay(day.now + lastsMs, TZ), day.dayEnd, 'the last check is made the same day');
}

test('five minutes before midnight, a 15-minute run waits until just after it', async () => {
  const clock = fakeClock(MIDNIGHT - 5 * MIN);
  const day = await todayFor(TZ, 15 * MIN, clock);
  assert.deepEqual(clock.slept, [5 * MIN + PAST_MIDNIGHT_MS]);
  assert.equal(day.dayStart, MIDNIGHT);
  assert.equal(day.dayEnd, MIDNIGHT + 24 * 60 * MIN);
  assertStaysToday(day, 15 * MIN);
});

test('an hour before midnight, a 15-minute run starts at once, its events spread over the day so far', async () => {
  const clock = fakeClock(MIDNIGHT - 60 * MIN);
  const day = await todayFor(TZ, 15 * MIN, clock);
  assert.deepEqual(clock.slept, []);
  assert.equal(day.dayStart, MIDNIGHT - 24 * 60 * MIN);
  assert.equal(Date.parse(day.back(1)), day.dayStart);
  assertStaysToday(day, 15 * MIN);
});

test('just after midnight the events crowd into the seconds since, all of them today', async () => {
  const clock = fakeClock(MIDNIGHT + 3000);
  const day = await todayFor(TZ, 15 * MIN, clock);
  assert.deepEqual(clock.slept, []);
  assert.equal(day.dayStart, MIDNIGHT);
  assertStaysToday(day, 15 * MIN);
});

test('at every minute of a day, no run of up to 15 minutes sees its events leave today', async () => {
  for (let t = MIDNIGHT - 24 * 60 * MIN; t < MIDNIGHT + 60 * MIN; t += 7 * MIN + 13_000) {
    const day = await todayFor(TZ, 15 * MIN, fakeClock(t));
    assertStaysToday(day, 15 * MIN);
  }
});
