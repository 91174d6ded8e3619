/**
 * "Today so far" in the center's zone, for tests that place events today and then check
 * today's figures. A run that crosses the zone's midnight (16:00 UTC for Asia/Shanghai)
 * would see every one of them become yesterday's and the figures drop to 0, so when the next
 * midnight is nearer than `lastsMs` (how long the test's checks go on) this first waits until
 * just past it: the events then lie in a day that outlasts the run by almost a day.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startOfDay } from '@watchfloor/config/time';

export interface Today {
  /** When the events are placed (ms). */
  now: number;
  /** The local midnight that began today (ms). */
  dayStart: number;
  /** The local midnight that ends today (ms): at least `lastsMs` after `now`. */
  dayEnd: number;
  /** The instant `fraction` (0…1) of the way back from `now` to the day's start, as ISO: inside today for any fraction. */
  back(fraction: number): string;
}

/** How far past midnight a run that had to wait starts. */
export const PAST_MIDNIGHT_MS = 5000;

export interface Clock { now(): number; sleep(ms: number): Promise<unknown> }
const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** The next local midnight after `t`: a day lasts 23 to 25 hours, so 30 h after today's start is inside tomorrow. */
export function endOfDay(t: number, tz: string): number {
  return startOfDay(new Date(startOfDay(new Date(t), tz).getTime() + 30 * 3_600_000), tz).getTime();
}

export async function todayFor(tz: string, lastsMs: number, clock: Clock = realClock): Promise<Today> {
  let now = clock.now();
  const end = endOfDay(now, tz);
  if (end - now < lastsMs) {
    // Past midnight with seconds to spare: a test's "a second ago" events then fall after it too.
    console.log(`# the run would cross midnight in ${tz} (in ${Math.round((end - now) / 1000)} s): waiting until just after it`);
    await clock.sleep(end - now + PAST_MIDNIGHT_MS);
    now = clock.now();
  }
  const dayStart = startOfDay(new Date(now), tz).getTime();
  return { now, dayStart, dayEnd: endOfDay(now, tz), back: (f) => new Date(now - Math.floor((now - dayStart) * f)).toISOString() };
}
