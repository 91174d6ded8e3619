'use client';
/** Center name, date, live clock and the age of the newest data. */
import { useEffect, useState } from 'react';
import { strings } from '@watchfloor/config/strings';

export default function TitleBar({ newestEventAt }: { newestEventAt: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const d = new Date(now);
  const date = d.toLocaleDateString('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', timeZone: 'Asia/Shanghai' });
  const clock = d.toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  const age = newestEventAt === null ? null : Math.max(0, Math.round((now - newestEventAt) / 1000));
  return (
    <header className="titlebar">
      <div className="date">{date}</div>
      <h1>{strings.centerName}<small> · {strings.centerSubtitle}</small></h1>
      <div className="clock">
        <span className="num">{clock}</span>
        <span className="age" data-testid="data-age" data-age-seconds={age ?? ''}>
          {strings.wall.dataAge}：{age === null ? strings.wall.noData : strings.wall.secondsAgo(age)}
        </span>
      </div>
    </header>
  );
}
