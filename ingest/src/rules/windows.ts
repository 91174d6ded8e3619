/**
 * Bounded counters for the surge rules: no list of past events, only fixed rings.
 *  - SlidingCounter: the count over the last `slots` units (minutes or hours), expired
 *    lazily when read, so idle subjects cost nothing.
 *  - HourRing: per-hour counts for 4 weeks + 1 day (697 slots), the history the
 *    hour-of-week baselines are computed from.
 */
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const WEEK_HOURS = 168;
export const MAX_BASELINE_WEEKS = 4;
/**
 * 4 weeks back, plus the 23 extra hours a 24-hour window reaches behind its hour, plus the
 * hour the rolling day sum drops (h − 696) — which must not yet share a slot with hour h.
 */
export const RING_HOURS = MAX_BASELINE_WEEKS * WEEK_HOURS + 25;

export class SlidingCounter {
  private readonly tags: Int32Array;
  private readonly counts: Int32Array;
  private sum = 0;
  /** The unit the sum is valid for: covers (at − slots, at]. */
  private at = -2_147_483_648;

  constructor(private readonly slots: number) {
    this.tags = new Int32Array(slots).fill(-1);
    this.counts = new Int32Array(slots);
  }

  /** Moves the window's end to unit u (never backwards) and returns the count. */
  countAt(u: number): number {
    if (u > this.at) this.advance(u);
    return this.sum;
  }

  /** Counts one event in unit u; ignored if u has already left the window. */
  add(u: number, n = 1): void {
    if (u > this.at) this.advance(u);
    if (u <= this.at - this.slots) return;
    const i = mod(u, this.slots);
    if (this.tags[i] !== u) {
      this.tags[i] = u;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
    this.sum += n;
  }

  /** The oldest unit still holding counts, or null: when the next expiry is due. */
  oldestUnit(): number | null {
    for (let u = this.at - this.slots + 1; u <= this.at; u++) {
      const i = mod(u, this.slots);
      if (this.tags[i] === u && this.counts[i]! > 0) return u;
    }
    return null;
  }

  private advance(u: number): void {
    if (u - this.at >= this.slots) {
      // Everything has left. Stale tags need no clearing: they are older than any unit read from now on.
      this.sum = 0;
      this.at = u;
      return;
    }
    for (let x = this.at - this.slots + 1; x <= u - this.slots; x++) {
      const i = mod(x, this.slots);
      if (this.tags[i] === x) {
        this.sum -= this.counts[i]!;
        this.counts[i] = 0;
        this.tags[i] = -1;
      }
    }
    this.at = u;
  }
}

export class HourRing {
  private readonly tags = new Int32Array(RING_HOURS).fill(-1);
  private readonly counts = new Int32Array(RING_HOURS);

  add(h: number, n = 1): void {
    const i = mod(h, RING_HOURS);
    if (this.tags[i] !== h) {
      // Only a newer hour may take the slot over; a very late event for an hour long gone is dropped.
      if (this.tags[i]! > h) return;
      this.tags[i] = h;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  get(h: number): number {
    const i = mod(h, RING_HOURS);
    return this.tags[i] === h ? this.counts[i]! : 0;
  }

  /** Sum over hours from..to (inclusive, at most RING_HOURS of them). */
  sum(from: number, to: number): number {
    const tags = this.tags;
    const counts = this.counts;
    let i = mod(from, RING_HOURS);
    let s = 0;
    for (let h = from; h <= to; h++) {
      if (tags[i] === h) s += counts[i]!;
      if (++i === RING_HOURS) i = 0;
    }
    return s;
  }
}

export interface Baselines { hour: number; day: number }

/**
 * Hour-of-week baselines at hour h from the ring, over the weeks of history available
 * (those whose hours are all at or after `since`, up to `weeks`), or null if none is.
 *  - hour: the sliding hour straddles clock hours h−1 and h, so the larger of their
 *    baselines is used: a normal rush-hour ramp never reads as a surge.
 *  - day: the mean of the same 24 hours (h−23..h) in the past weeks.
 * Weeks are counted as 168 absolute hours, the same local hour of the week in any zone
 * without daylight saving (China has none).
 */
/** The day sums of the previous call, per week back: the next hour adds one hour and drops one. */
export interface BaselineRoll { h: number; since: number; daySums: number[] }
export const newRoll = (): BaselineRoll => ({ h: Number.NaN, since: Number.NaN, daySums: [] });

export function baselinesAt(ring: HourRing, h: number, since: number, weeks: number, roll?: BaselineRoll): Baselines | null {
  let hourSum = 0;
  let prevSum = 0;
  let daySum = 0;
  let n = 0;
  // Hours a week or more back do not change in-horizon (the late horizon is under six days;
  // an imported history invalidates the roll), so the previous hour's day sums roll forward.
  const rolling = roll !== undefined && roll.h === h - 1 && roll.since === since;
  for (let k = 1; k <= weeks; k++) {
    const base = h - k * WEEK_HOURS;
    if (base - 23 < since) break;
    hourSum += ring.get(base);
    prevSum += ring.get(base - 1);
    let day: number;
    if (rolling && roll.daySums.length >= k) day = roll.daySums[k - 1]! + ring.get(base) - ring.get(base - 24);
    else day = ring.sum(base - 23, base);
    if (roll) roll.daySums[k - 1] = day;
    daySum += day;
    n++;
  }
  if (roll) {
    roll.h = h;
    roll.since = since;
    roll.daySums.length = n;
  }
  if (n === 0) return null;
  return { hour: Math.max(hourSum, prevSum) / n, day: daySum / n };
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
