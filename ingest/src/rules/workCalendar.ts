/**
 * Working-day arithmetic for the 四级七天 clock. A working day is Mon–Fri, minus the
 * configured holidays, plus the configured make-up workdays (调休上班, usually a Saturday
 * or Sunday). Days are the center's local calendar days (config TZ_CENTER).
 *
 * The deadline rule (documented in config/rules/case_deadline.json):
 *   a case that enters a level at any time on day D has until the END of the Nth working
 *   day after D, i.e. local midnight that closes that day. Day D itself never counts,
 *   whatever the hour: a case that arrives at 16:55 is not due the same evening, and one
 *   that arrives at 08:00 gets the same deadline as one at 16:55, which is what the
 *   centers' paper registers do ("次日起算").
 * "Working time" counts whole working days (all 24 h of them); nights and office hours are
 * not modelled: the limits are stated in days, not hours.
 */
import type { CalendarConfig } from '@watchfloor/config/rules';
import { startOfDay, zonedParts } from '@watchfloor/config/time';

const HOUR = 3_600_000;
/** No real calendar lacks a working day for a year; a longer walk means a broken config. */
const MAX_DAY_WALK = 3700;

interface Day { start: number; end: number; key: string; working: boolean }

export interface WorkCalendar {
  readonly tz: string;
  /** The local day containing instant ms. */
  dayOf(ms: number): Day;
  next(d: Day): Day;
  prev(d: Day): Day;
  isWorkingKey(key: string, weekday: number): boolean;
}

/** Expands holiday ranges into a set of YYYY-MM-DD keys. */
function expandHolidays(cfg: CalendarConfig): Set<string> {
  const out = new Set<string>();
  for (const h of cfg.holidays) {
    for (let t = Date.parse(`${h.from}T00:00:00Z`); t <= Date.parse(`${h.to}T00:00:00Z`); t += 86_400_000) {
      out.add(new Date(t).toISOString().slice(0, 10));
    }
  }
  return out;
}

/** Calendars by zone and configuration: a calendar is a pure function of the two, and its day cache is what makes it fast. */
const calendars = new Map<string, WorkCalendar>();
const MAX_CALENDARS = 16;

/**
 * The calendar of `cfg` in zone `tz`. Each briefing request makes one (the rules' folder may have
 * changed): the same configuration gets the same calendar back, days already looked up, where a
 * new one spent half a second of the briefing in Intl finding the days of a year's open cases.
 */
export function makeWorkCalendar(cfg: CalendarConfig, tz: string): WorkCalendar {
  const key = `${tz}\u0000${JSON.stringify(cfg)}`;
  let cal = calendars.get(key);
  if (!cal) {
    if (calendars.size >= MAX_CALENDARS) calendars.clear();
    calendars.set(key, (cal = buildWorkCalendar(cfg, tz)));
  }
  return cal;
}

function buildWorkCalendar(cfg: CalendarConfig, tz: string): WorkCalendar {
  const holidays = expandHolidays(cfg);
  const makeup = new Set(cfg.makeupWorkdays.map((m) => m.date));
  // Days are looked up constantly (every case clock); Intl is slow, so days are cached by start
  // and instants by UTC hour (a day boundary never falls inside an hour in a real zone).
  const byStart = new Map<number, Day>();
  const startByHour = new Map<number, number>();

  const isWorkingKey = (key: string, weekday: number) => makeup.has(key) || (!holidays.has(key) && weekday >= 1 && weekday <= 5);

  function dayAtStart(start: number): Day {
    let d = byStart.get(start);
    if (d) return d;
    const p = zonedParts(new Date(start + 12 * HOUR), tz);
    const key = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    // +36 h lands inside the next day whether this one has 23, 24 or 25 hours (DST).
    const end = startOfDay(new Date(start + 36 * HOUR), tz).getTime();
    d = { start, end, key, working: isWorkingKey(key, p.weekday) };
    if (byStart.size > 20_000) byStart.clear();
    byStart.set(start, d);
    return d;
  }

  function dayOf(ms: number): Day {
    const h = Math.floor(ms / HOUR);
    let start = startByHour.get(h);
    if (start === undefined) {
      start = startOfDay(new Date(ms), tz).getTime();
      if (startByHour.size > 200_000) startByHour.clear();
      startByHour.set(h, start);
    }
    return dayAtStart(start);
  }

  return {
    tz,
    dayOf,
    next: (d) => dayAtStart(d.end),
    prev: (d) => dayOf(d.start - 1),
    isWorkingKey,
  };
}

export function isWorkingDay(ms: number, cal: WorkCalendar): boolean {
  return cal.dayOf(ms).working;
}

/**
 * The deadline of a clock started at startMs with a limit of n working days: the end (local
 * midnight) of the nth working day after the day containing startMs. n = 0 gives the end of
 * the start day itself.
 */
export function addWorkingDays(startMs: number, n: number, cal: WorkCalendar): number {
  let d = cal.dayOf(startMs);
  if (n <= 0) return d.end;
  let counted = 0;
  for (let i = 0; i < MAX_DAY_WALK; i++) {
    d = cal.next(d);
    if (d.working && ++counted === n) return d.end;
  }
  throw new Error(`work calendar: no ${n} working days within ${MAX_DAY_WALK} days of ${new Date(startMs).toISOString()}`);
}

/** Milliseconds of working days inside [a, b); negative when b < a. */
export function workingTimeBetween(a: number, b: number, cal: WorkCalendar): number {
  if (b < a) return -workingTimeBetween(b, a, cal);
  let sum = 0;
  let d = cal.dayOf(a);
  for (let i = 0; d.start < b; i++) {
    if (i > MAX_DAY_WALK * 10) throw new Error('work calendar: span too long');
    if (d.working) sum += Math.min(b, d.end) - Math.max(a, d.start);
    d = cal.next(d);
  }
  return sum;
}

/**
 * The instant reached by moving deltaMs of working time from startMs (backwards when negative).
 * Non-working days are skipped over; landing exactly on the end of a working day returns
 * that midnight, not the start of the next working day.
 */
export function addWorkingTime(startMs: number, deltaMs: number, cal: WorkCalendar): number {
  if (deltaMs === 0) return startMs;
  let t = startMs;
  let rest = Math.abs(deltaMs);
  for (let i = 0; i < MAX_DAY_WALK; i++) {
    if (deltaMs > 0) {
      const d = cal.dayOf(t);
      if (d.working) {
        if (rest <= d.end - t) return t + rest;
        rest -= d.end - t;
      }
      t = d.end;
    } else {
      const d = cal.dayOf(t - 1);
      if (d.working) {
        if (rest <= t - d.start) return t - rest;
        rest -= t - d.start;
      }
      t = d.start;
    }
  }
  throw new Error('work calendar: no working time within reach');
}

/** The local date (YYYY-MM-DD) of an instant. */
export function dayKeyOf(ms: number, cal: WorkCalendar): string {
  return cal.dayOf(ms).key;
}
