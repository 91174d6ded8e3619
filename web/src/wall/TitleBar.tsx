'use client';
/** Center name, date, live clock and the age of the newest data. */
import { useEffect, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import { clock, longDate } from './zoned-format';

/**
 * `tz`: the center's zone (TZ_CENTER), whatever the screen's own clock says. `at`: the
 * replayed moment while replaying: the date, the clock and the data age then follow it.
 */
export default function TitleBar({ newestEventAt, tz, at = null }: { newestEventAt: number | null; tz: string; at?: number | null }) {
  const [wallNow, setNow] = useState(() => Date.now());
  const now = at ?? wallNow;
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const age = newestEventAt === null ? null : Math.max(0, Math.round((now - newestEventAt) / 1000));
  return (
    <header className="titlebar">
      <div className="date">{longDate(now, tz)}</div>
      <h1>{strings.centerName}<small> · {strings.centerSubtitle}</small></h1>
      <div className="clock">
        <span className="num">{clock(now, tz)}</span>
        <span className="age" data-testid="data-age" data-age-seconds={age ?? ''}>
          {strings.wall.dataAge}：{age === null ? strings.wall.noData : strings.wall.secondsAgo(age)}
        </span>
      </div>
    </header>
  );
}
