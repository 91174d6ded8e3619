/**
 * Calendar arithmetic in the center's time zone ("today", hours of the day), without a
 * date library: Intl gives the zone's wall-clock parts for any instant.
 */
const fmtCache = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

export interface ZonedParts { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number }

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function zonedParts(d: Date, tz: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(d)) parts[p.type] = p.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday!] ?? 0,
  };
}

/** The zone's offset from UTC at instant d, in minutes. */
export function zoneOffsetMinutes(d: Date, tz: string): number {
  const p = zonedParts(d, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60000);
}

/** The instant of local midnight starting the day that contains d in zone tz. */
export function startOfDay(d: Date, tz: string): Date {
  const p = zonedParts(d, tz);
  const guess = Date.UTC(p.year, p.month - 1, p.day) - zoneOffsetMinutes(d, tz) * 60000;
  // A DST change between midnight and d shifts the offset; one correction settles it.
  return new Date(Date.UTC(p.year, p.month - 1, p.day) - zoneOffsetMinutes(new Date(guess), tz) * 60000);
}

/** The instant of Monday 00:00 (local) starting the week that contains d in zone tz. */
export function startOfWeek(d: Date, tz: string): Date {
  const back = (zonedParts(d, tz).weekday + 6) % 7;
  // Noon of the day `back` days earlier is inside that day whatever DST did in between.
  return startOfDay(new Date(startOfDay(d, tz).getTime() - back * 86_400_000 + 12 * 3_600_000), tz);
}

/** ISO-8601 with the zone's offset, e.g. 2026-11-22T09:30:00.000+08:00 (what feeds send). */
export function toZonedIso(d: Date, tz: string): string {
  const off = zoneOffsetMinutes(d, tz);
  const local = new Date(d.getTime() + off * 60000).toISOString().slice(0, -1);
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
