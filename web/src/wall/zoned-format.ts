/**
 * The wall's times, always in the center's zone (TZ_CENTER, handed down from the page):
 * a screen's own clock may be set to anything, and the room reads the center's time.
 *
 * One Intl.DateTimeFormat per format and zone, made once: `Date#toLocaleString` with options
 * builds a new one on every call (a fraction of a millisecond each), and a wall listing
 * hundreds of warnings and calls spent seconds of its start-up in it.
 */
const HM: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };
const FORMATS = {
  hourMinute: HM,
  dayHourMinute: { month: '2-digit', day: '2-digit', ...HM },
  longDate: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' },
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const formatters = new Map<string, Intl.DateTimeFormat>();
function format(kind: keyof typeof FORMATS, t: number, tz: string): string {
  const key = `${kind} ${tz}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat('zh-CN', { ...FORMATS[kind], timeZone: tz })));
  return f.format(t);
}

/** 14:05 */
export function hourMinute(t: number, tz: string): string {
  return format('hourMinute', t, tz);
}

/** 11/20 14:05 */
export function dayHourMinute(t: number, tz: string): string {
  return format('dayHourMinute', t, tz);
}

/** 2026年11月20日星期五 */
export function longDate(t: number, tz: string): string {
  return format('longDate', t, tz);
}

/** 14:05:09 */
export function clock(t: number, tz: string): string {
  return format('clock', t, tz);
}
