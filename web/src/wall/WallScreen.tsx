'use client';
/**
 * The wall: title bar, left and right panel columns, the map in the middle, on a 1920×1080 design canvas.
 * `data-ready` on the root turns true once the panels have a snapshot and the map has drawn its
 * first frame with data: what a test (or a kiosk check) waits on, whatever the machine's speed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import { formatReplayRange, parseReplayRange, type ReplayRange } from '@watchfloor/config/wall';
import WallMap from '../map/WallMap';
import CallsToday from '../panels/CallsToday';
import CaseFunnel from '../panels/CaseFunnel';
import Categories from '../panels/Categories';
import Dispatch from '../panels/Dispatch';
import DutyFigures from '../panels/DutyFigures';
import Feed from '../panels/Feed';
import HourlyCalls from '../panels/HourlyCalls';
import Rates from '../panels/Rates';
import Warnings from '../panels/Warnings';
import { useRegionData } from './region-data';
import { DESIGN_H, DESIGN_W, useScreenFit } from './screen-fit';
import TitleBar from './TitleBar';
import { useWallFeed } from './use-wall-feed';
import ReplayBanner from './replay/ReplayBanner';
import TimeBar from './replay/TimeBar';
import { useReplay } from './replay/use-replay';

const SIDE_W = 470;
const TIMEBAR_H = 48;
const MAP_RECT = { left: SIDE_W + 20, top: 86, width: DESIGN_W - 2 * (SIDE_W + 20), height: DESIGN_H - 86 - 20 - TIMEBAR_H - 10 };

/** `?replay=` in the address, kept in step with the replay so a reload (or a shared link) reopens it; the token stays. */
function setReplayParam(r: ReplayRange | null): void {
  const u = new URL(window.location.href);
  if (r) u.searchParams.set('replay', formatReplayRange(r));
  else u.searchParams.delete('replay');
  window.history.replaceState(window.history.state, '', u);
}

export default function WallScreen({ token, staleAfterMs, noDataAfterMs, tz }: { token: string; staleAfterMs: number; noDataAfterMs: number; tz: string }) {
  const fit = useScreenFit();
  const region = useRegionData(token);
  // The live feed keeps running under a replay: back to live is instant, with no reload.
  const feed = useWallFeed(token, tz);
  const [replay, replayControls] = useReplay(token, tz);
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    const p = new URL(window.location.href).searchParams.get('replay');
    const r = p ? parseReplayRange(p, tz, Date.now()) : null;
    if (r) replayControls.open(r);
    else if (p) setReplayParam(null);
  }, [tz, replayControls]);
  const openReplay = useCallback((r: ReplayRange) => { setReplayParam(r); replayControls.open(r); }, [replayControls]);
  const exitReplay = useCallback(() => { setReplayParam(null); replayControls.exit(); }, [replayControls]);
  const [mapDrawn, setMapDrawn] = useState(false);
  const onFirstFrame = useCallback(() => setMapDrawn(true), []);
  const [wallNow, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const replaying = replay.active;
  // Replaying, the wall's clock is the replayed moment: every "now" below follows it.
  const now = replaying ? replay.t : wallNow;
  const silentFor = wallNow - feed.lastContact;
  // No word from the server for this long (or never, once past it) and the wall says so.
  // (Not while replaying: the replay banner says what the screen shows.)
  const cutOff = !replaying && silentFor > staleAfterMs;
  const s = replaying ? replay.state : feed.state;
  // The server answers but no feed has delivered anything for too long: say so too.
  const dataAge = s?.newestEventAt != null ? now - s.newestEventAt : null;
  const noData = !replaying && !cutOff && s !== null && (dataAge === null || dataAge > noDataAfterMs);
  // The server answers but says it cannot reach its store or bus: nothing new can arrive, say why.
  const outage = !replaying && !cutOff && feed.down.length > 0;
  const px = fit.scale * fit.dpr;

  return (
    <div className={`wall-root${replaying ? ' replaying' : ''}`} data-testid="wall" data-ready={mapDrawn && s !== null && region !== null} data-mode={replaying ? 'replay' : 'live'}>
      {replaying && <ReplayBanner t={replay.t} tz={tz} onExit={exitReplay} />}
      {(cutOff || outage || noData) && (
        <div className={`stale-banner${noData && !outage ? ' no-data' : ''}`} data-testid="stale-banner" data-reason={cutOff ? 'connection' : outage ? feed.down.join(' ') : 'no-data'} role="alert">
          <b>{strings.wall.stale}</b> {cutOff ? strings.wall.staleDetail(Math.round(silentFor / 1000))
            : outage ? strings.wall.outageDetail(feed.down)
              : strings.wall.noDataDetail(dataAge === null ? null : Math.round(dataAge / 60_000))}
        </div>
      )}
      {region && s && (
        <div className="wall-map-frame" style={{ left: fit.left + MAP_RECT.left * fit.scale, top: fit.top + MAP_RECT.top * fit.scale, width: MAP_RECT.width * fit.scale, height: MAP_RECT.height * fit.scale }}>
          <WallMap region={region} state={s} width={MAP_RECT.width * fit.scale} height={MAP_RECT.height * fit.scale} scale={fit.scale} onFirstFrame={onFirstFrame}
            clockOffsetMs={replaying ? replay.t - wallNow : 0} />
        </div>
      )}
      <div className="wall-canvas" style={{ width: DESIGN_W, height: DESIGN_H, transform: `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})` }}>
        <TitleBar newestEventAt={s?.newestEventAt ?? null} tz={tz} at={replaying ? replay.t : null} />
        {!s && <div className="connecting">{replaying ? strings.replay.loading(replay.loading?.progress == null ? null : Math.round(replay.loading.progress * 100))
          : feed.error === 'unauthorized' ? strings.wall.unauthorized : strings.wall.connecting}</div>}
        <div style={{ position: 'absolute', left: MAP_RECT.left, width: MAP_RECT.width, bottom: 0, height: TIMEBAR_H + 20 }}>
          <TimeBar view={replay} controls={replayControls} tz={tz} onOpen={openReplay} onExit={exitReplay} />
        </div>
        {s && region && (
          <>
            <aside className="column left" style={{ width: SIDE_W }}>
              <CallsToday f={s.figures} />
              <HourlyCalls f={s.figures} width={SIDE_W - 28} pixelRatio={px} />
              <Categories f={s.figures} />
              <Dispatch s={s} />
            </aside>
            <aside className="column right" style={{ width: SIDE_W }}>
              <DutyFigures s={s} now={now} />
              <Rates s={s} />
              <CaseFunnel s={s} />
              <Warnings warnings={s.warnings} tz={tz} />
              <Feed key={replaying ? `replay-${replay.seekGen}` : 'live'} incidents={s.incidents} region={region} tz={tz} />
            </aside>
          </>
        )}
      </div>
    </div>
  );
}
