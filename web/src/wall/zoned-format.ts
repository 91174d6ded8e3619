/**
 * The wall's times, always in the center's zone (TZ_CENTER, handed down from the page):
 * a screen's own clock may be set to anything, and the room reads the center's time.
 */
const HM: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hour12: false };

/** 14:05 */
export function hourMinute(t: number, tz: string): string {
  return new Date(t).toLocaleTimeString('zh-CN', { ...HM, timeZone: tz });
}

/** 11/20 14:05 */
export function dayHourMinute(t: number, tz: string): string {
  return new Date(t).toLocaleString('zh-CN', { month: '2-digit', day: '2-digit', ...HM, timeZone: tz });
}

/** 2026年11月20日星期五 */
export function longDate(t: number, tz: string): string {
  return new Date(t).toLocaleDateString('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', timeZone: tz });
}

/** 14:05:09 */
export function clock(t: number, tz: string): string {
  return new Date(t).toLocaleTimeString('zh-CN', { hour12: false, timeZone: tz });
}
