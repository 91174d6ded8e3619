'use client';
/**
 * The slim time bar at the bottom of the wall (DESIGN.md §6). Live, it offers a past range to
 * replay; replaying, it holds the clock: play or pause, the four speeds, steps of a minute,
 * jumps of an hour, and a track to seek anywhere in the range (and the same from the keyboard).
 * Times read in the center's zone.
 */
import { useEffect, useRef, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import { startOfDay } from '@watchfloor/config/time';
import { REPLAY_SPEEDS, msToZonedLocal, zonedLocalToMs, type ReplayRange } from '@watchfloor/config/wall';
import { dayHourMinute } from '../zoned-format';
import type { ReplayControls, ReplayView } from './use-replay';

const DAY = 86_400_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const S = strings.replay;

function presets(now: number, tz: string): { label: string; range: ReplayRange }[] {
  const today = startOfDay(new Date(now), tz).getTime();
  const yesterday = startOfDay(new Date(today - DAY / 2), tz).getTime();
  // 上周: Monday to Sunday before this week, in the center's zone.
  const weekday = (new Date(today + 12 * HOUR).getUTCDay() + 6) % 7;
  const thisMonday = startOfDay(new Date(today - weekday * DAY + 12 * HOUR), tz).getTime();
  const lastMonday = startOfDay(new Date(thisMonday - 6.5 * DAY), tz).getTime();
  return [
    { label: S.yesterday, range: { from: yesterday, to: today } },
    { label: S.last24h, range: { from: now - DAY, to: now } },
    { label: S.lastWeek, range: { from: lastMonday, to: thisMonday } },
  ];
}

export default function TimeBar({ view, controls, tz, onOpen, onExit }: {
  view: ReplayView; controls: ReplayControls; tz: string; onOpen: (r: ReplayRange) => void; onExit: () => void;
}) {
  const [picking, setPicking] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [scrub, setScrub] = useState<number | null>(null);
  const scrubTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (scrubTimer.current) clearTimeout(scrubTimer.current); }, []);
  // Keys while replaying: space plays or pauses, ←/→ a minute (with Shift an hour), Esc back to live.
  const active = view.active;
  const playing = view.playing;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement) return; // the track and the pickers keep their own keys
      if (e.key === ' ') { e.preventDefault(); if (playing) controls.pause(); else controls.play(); }
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        controls.move((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? HOUR : MIN));
      } else if (e.key === 'Escape') onExit();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, playing, controls, onExit]);

  if (!view.active || !view.range) {
    const now = Date.now();
    const start = () => {
      const f = zonedLocalToMs(from, tz);
      const t = zonedLocalToMs(to, tz);
      if (f === null || t === null || !(f < t) || f >= now) { setInvalid(true); return; }
      setInvalid(false);
      setPicking(false);
      onOpen({ from: f, to: Math.min(t, now) });
    };
    return (
      <div className="timebar" data-testid="timebar" data-mode="live">
        <span className="live-dot" title={S.liveHint}>● {S.live}</span>
        {!picking ? (
          <button type="button" data-testid="replay-open" onClick={() => {
            const y = presets(now, tz)[0]!.range;
            setFrom(msToZonedLocal(y.from, tz));
            setTo(msToZonedLocal(y.to, tz));
            setPicking(true);
          }}>{S.open}</button>
        ) : (
          <span className="picker">
            {presets(now, tz).map((p) => (
              <button type="button" key={p.label} data-testid={`replay-preset-${p.label}`} onClick={() => { setPicking(false); onOpen(p.range); }}>{p.label}</button>
            ))}
            <label>{S.from} <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="replay-from" /></label>
            <label>{S.to} <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="replay-to" /></label>
            <button type="button" data-testid="replay-start" onClick={start}>{S.start}</button>
            {invalid && <span className="warn">{S.invalidRange}</span>}
          </span>
        )}
      </div>
    );
  }

  const { range } = view;
  const shown = scrub ?? view.t;
  const onScrub = (v: number) => {
    setScrub(v);
    if (scrubTimer.current) clearTimeout(scrubTimer.current);
    // Seek once the hand rests: a drag across a week is one load, not hundreds.
    scrubTimer.current = setTimeout(() => { setScrub(null); controls.seek(v); }, 200);
  };
  const status = view.loading
    ? S.loading(view.loading.progress === null ? null : Math.round(view.loading.progress * 100))
    : view.error ? S.failed : view.buffering ? S.buffering : view.t >= range.to ? S.ended : '';
  return (
    <div className="timebar replaying" data-testid="timebar" data-mode="replay">
      <button type="button" title={S.jumpBack} data-testid="replay-jump-back" onClick={() => controls.move(-HOUR)}>{S.jumpBackShort}</button>
      <button type="button" title={S.stepBack} data-testid="replay-step-back" onClick={() => { controls.pause(); controls.move(-MIN); }}>{S.stepBackShort}</button>
      {view.playing
        ? <button type="button" className="primary" title={S.pause} data-testid="replay-pause" onClick={() => controls.pause()}>{S.pause}</button>
        : <button type="button" className="primary" title={S.play} data-testid="replay-play" onClick={() => controls.play()}>{S.play}</button>}
      <button type="button" title={S.stepForward} data-testid="replay-step-forward" onClick={() => { controls.pause(); controls.move(MIN); }}>{S.stepForwardShort}</button>
      <button type="button" title={S.jumpForward} data-testid="replay-jump-forward" onClick={() => controls.move(HOUR)}>{S.jumpForwardShort}</button>
      <span className="speeds" title={S.speed}>
        {REPLAY_SPEEDS.map((x) => (
          <button type="button" key={x} className={x === view.speed ? 'on' : ''} data-testid={`replay-speed-${x}`} onClick={() => controls.setSpeed(x)}>{S.speedLabel(x)}</button>
        ))}
      </span>
      {!status && <span className="range-end num">{dayHourMinute(range.from, tz)}</span>}
      <input className="track" type="range" title={`${dayHourMinute(range.from, tz)} – ${dayHourMinute(range.to, tz)}`} min={range.from} max={range.to} step={MIN} value={shown} data-testid="replay-track"
        onChange={(e) => onScrub(Number(e.target.value))} />
      {!status && <span className="range-end num">{dayHourMinute(range.to, tz)}</span>}
      <span className={`status${status ? '' : ' empty'}`} data-testid="replay-status">
        {view.loading && <span className="progress"><span style={{ width: `${Math.round((view.loading.progress ?? 0.5) * 100)}%` }} /></span>}
        {status}
      </span>
      <button type="button" className="back-live" data-testid="replay-exit" onClick={onExit}>{S.backToLive}</button>
    </div>
  );
}
