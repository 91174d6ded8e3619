'use client';
/**
 * The rolling feed of latest incidents. New calls join a queue and enter one at a time at a
 * steady pace, so the list moves smoothly whatever the arrival rate; in a burst the queue
 * skips ahead rather than falling behind. No address, phone or summary: category, place, time
 * (with its date when not today). As many rows as fit whole in the panel: never a half-cut last row.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import type { WallCall } from '@watchfloor/config/wall';
import type { RegionData } from '../wall/region-data';
import { useStill } from '../wall/still';
import { riskCss } from '../wall/theme';
import { dayHourMinute, hourMinute } from '../wall/zoned-format';
import Panel from './Panel';

// Whole rows legible from the back of the room (≥ 20 px): fewer, not smaller. ROW_PX is the
// row's height in wall.css (.feed-item); MAX_ROWS bounds what is kept for a tall screen.
const ROW_PX = 34;
const MAX_ROWS = 16;
const DAY = 86_400_000;
const STEP_MS = 600;
const MAX_QUEUE = 20;

/** `tz`: the center's zone (TZ_CENTER), whatever the screen's own clock says. */
export default function Feed({ incidents, region, tz, dayStart }: { incidents: WallCall[]; region: RegionData; tz: string; dayStart: number }) {
  const still = useStill();
  const [paced, setShown] = useState<WallCall[]>(() => incidents.slice(0, MAX_ROWS));
  // A still frame shows the newest rows as of its moment, not the pace they entered at.
  const shown = still ? incidents.slice(0, MAX_ROWS) : paced;
  const queue = useRef<WallCall[]>([]);
  const known = useRef(new Set(incidents.slice(0, MAX_ROWS).map((c) => c.id)));
  const list = useRef<HTMLUListElement>(null);
  const [rows, setRows] = useState(6);
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    const fit = () => setRows(Math.max(1, Math.min(MAX_ROWS, Math.floor(el.clientHeight / ROW_PX))));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const newest = shown[0]?.t ?? 0;
    const fresh = incidents.filter((c) => !known.current.has(c.id) && c.t >= newest).reverse();
    for (const c of fresh) { known.current.add(c.id); queue.current.push(c); }
    if (queue.current.length > MAX_QUEUE) queue.current.splice(0, queue.current.length - MAX_QUEUE);
  }, [incidents, shown]);

  useEffect(() => {
    const t = setInterval(() => {
      const next = queue.current.shift();
      if (!next) return;
      setShown((s) => {
        const out = [next, ...s].slice(0, MAX_ROWS);
        // Only what is on screen (and queued) needs remembering: the set stays small.
        known.current = new Set([...out.map((c) => c.id), ...queue.current.map((c) => c.id)]);
        return out;
      });
    }, STEP_MS);
    return () => clearInterval(t);
  }, []);

  // States move on (dispatched, on scene…) after an item entered: show the current one.
  const stateOf = new Map(incidents.slice(0, 200).map((c) => [c.id, c.state]));
  return (
    <Panel title={strings.panels.feed} className="grow">
      <ul ref={list} className="feed" data-testid="feed" data-rows={rows}>
        {shown.slice(0, rows).map((c) => (
          <li key={c.id} data-call-id={c.id} className="feed-item">
            <span className="dot" style={{ background: riskCss(c.priority === 1 ? 'red' : c.priority === 2 ? 'yellow' : 'blue') }} />
            <span className="time num">{c.t >= dayStart && c.t < dayStart + DAY ? hourMinute(c.t, tz) : dayHourMinute(c.t, tz)}</span>
            <span className="cat">{strings.callCategory[c.category]}</span>
            <span className="place">{c.townCode ? region.townName.get(c.townCode) ?? '' : '县域外'}</span>
            <span className="state">{strings.incidentState[stateOf.get(c.id) ?? c.state]}</span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
