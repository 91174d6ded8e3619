'use client';
/**
 * Open warnings (预警), red before yellow, newest first — all of them, by steady paging: each
 * page holds as many whole cards as fit the panel, and turns every WARNING_PAGE_MS (read from
 * the back of the room, never faster). A card says where and which rule first, then the full
 * reason (wrapped, never cut), then since when. A new red warning being announced is shown at
 * once, highlighted, and paging waits until it has been read.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import { WARNING_PAGE_MS, type WallWarning } from '@watchfloor/config/wall';
import type { RegionData } from '../wall/region-data';
import { riskCss } from '../wall/theme';
import { placeOf } from '../wall/warning-announce';
import { dayHourMinute } from '../wall/zoned-format';
import Panel from './Panel';

const P = strings.panels;

/**
 * Memoised: the panel re-renders on every wall state the screen shows, and with thousands of
 * open warnings (all of them in the measuring list) re-rendering every card each time cost
 * more main thread than all the deltas did. A warning's card changes only with the warning.
 */
const Card = memo(function Card({ w, region, tz, announced }: { w: WallWarning; region: RegionData; tz: string; announced: boolean }) {
  return (
    <li data-warning-id={w.id} data-rule={w.rule} data-colour={w.colour} className={`warning-card ${w.colour}${announced ? ' announced' : ''}`}>
      <div className="head">
        <span className="dot" style={{ background: riskCss(w.colour) }} />
        <span className="place">{placeOf(w.regionCode, region, P.countyWide)}</span>
        <span className="rule">{strings.briefing.rule[w.rule] ?? ''}</span>
        <span className="when num">{w.status === 'acknowledged' ? P.acknowledged : dayHourMinute(w.raisedAt, tz)}</span>
      </div>
      <div className="reason">{w.reason}</div>
    </li>
  );
});

/** Greedy packing of whole cards into pages of `room` px; a card taller than a page gets one of its own. */
function paginate(heights: number[], room: number): number[][] {
  const pages: number[][] = [];
  let cur: number[] = [];
  let used = 0;
  heights.forEach((h, i) => {
    if (cur.length && used + h > room) { pages.push(cur); cur = []; used = 0; }
    cur.push(i);
    used += h;
  });
  if (cur.length) pages.push(cur);
  return pages;
}

/** `tz`: the center's zone (TZ_CENTER). `announced`: the red warning the wall is announcing, if any. */
export default function Warnings({ warnings, tz, region, announced = null }: { warnings: Record<string, WallWarning>; tz: string; region: RegionData; announced?: WallWarning | null }) {
  const list = useMemo(() => Object.values(warnings).sort((a, b) => (a.colour === b.colour ? b.raisedAt - a.raisedAt : a.colour === 'red' ? -1 : 1)), [warnings]);
  const red = list.filter((w) => w.colour === 'red').length;
  const body = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLUListElement>(null);
  const [pages, setPages] = useState<number[][]>([]);
  const [page, setPage] = useState(0);

  // Measure every card at the panel's width (off screen), then pack pages to the room there is.
  useLayoutEffect(() => {
    const ul = measure.current;
    const room = body.current?.clientHeight ?? 0;
    if (!ul || room <= 0) { setPages(list.length ? [list.map((_, i) => i)] : []); return; }
    const heights = [...ul.children].map((c) => (c as HTMLElement).offsetHeight + 8);
    setPages(paginate(heights, room));
  }, [list]);

  const announcedIndex = announced ? list.findIndex((w) => w.id === announced.id) : -1;
  const announcedPage = announcedIndex < 0 ? -1 : pages.findIndex((p) => p.includes(announcedIndex));
  const shownPage = announcedPage >= 0 ? announcedPage : pages.length ? page % pages.length : 0;

  useEffect(() => {
    if (pages.length <= 1 || announcedPage >= 0) return;
    const t = setInterval(() => setPage((p) => (p + 1) % pages.length), WARNING_PAGE_MS);
    return () => clearInterval(t);
  }, [pages.length, announcedPage]);
  // Paging resumes from the announced page, not from where it was before.
  useEffect(() => { if (announcedPage >= 0) setPage(announcedPage); }, [announcedPage]);

  // The same elements while the list is the same: React then skips the whole measuring list.
  const measured = useMemo(() => list.map((w) => <Card key={w.id} w={w} region={region} tz={tz} announced={false} />), [list, region, tz]);
  const shown = (pages[shownPage] ?? []).map((i) => list[i]!).filter(Boolean);
  const title = `${P.warnings}${list.length ? `（红 ${red} · 黄 ${list.length - red}）` : ''}`;
  return (
    <Panel title={title} definition={strings.definitions.warnings} testId="warnings" className="warnings-panel">
      <div ref={body} className="warnings-body" data-pages={pages.length} data-page={shownPage}>
        {list.length === 0 ? <div className="empty">{P.noWarnings}</div> : (
          <ul className="warnings">
            {shown.map((w) => <Card key={w.id} w={w} region={region} tz={tz} announced={announced?.id === w.id} />)}
          </ul>
        )}
        <ul ref={measure} className="warnings measure" aria-hidden>
          {measured}
        </ul>
        {pages.length > 1 && <div className="page-no num" data-testid="warnings-page">{P.warningPage(shownPage + 1, pages.length)}</div>}
      </div>
    </Panel>
  );
}
