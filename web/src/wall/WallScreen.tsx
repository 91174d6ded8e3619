'use client';
/**
 * The wall: title bar, left and right panel columns, the map in the middle with its legend
 * under it, on a design canvas of 1920×1080 or wider/taller to fill the screen's shape (the
 * extra room goes to the map; see screen-fit.ts). Kiosk by default: the map's controls show
 * only while someone moves the pointer. A new red warning flies the map to its area.
 * Drill-down: the area selected on the map (or its breadcrumb) narrows every panel to it
 * (config's narrowState) and shows its own figures in the area card; 全县 restores the county.
 * `data-area` on the root says which area is shown.
 * `data-ready` on the root turns true once the panels have a snapshot and the map has drawn its
 * first frame with data: what a test (or a kiosk check) waits on, whatever the machine's speed.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { strings } from '@watchfloor/config/strings';
import { VIDEO_RENDER_HOOK, type VideoRenderHook } from '@watchfloor/config/video';
import { zonedParts } from '@watchfloor/config/time';
import { areaFigures, COUNTY, formatReplayRange, heatToken, narrowState, parseReplayRange, type ReplayRange, type WallArea } from '@watchfloor/config/wall';
import WallMap, { type FlyTarget, type MapProbe } from '../map/WallMap';
import { heatValues } from '../map/heat-values';
import AreaCard from '../panels/AreaCard';
import CallsToday from '../panels/CallsToday';
import CaseFunnel from '../panels/CaseFunnel';
import Categories from '../panels/Categories';
import Dispatch from '../panels/Dispatch';
import DutyFigures from '../panels/DutyFigures';
import Feed from '../panels/Feed';
import HourlyCalls from '../panels/HourlyCalls';
import MapLegend from '../panels/MapLegend';
import Rates from '../panels/Rates';
import Warnings from '../panels/Warnings';
import { buildGridIndex } from '@watchfloor/config/region/grid-index';
import { areaBBox, areaName, useRegionData } from './region-data';
import { useWallFit } from './screen-fit';
import TitleBar from './TitleBar';
import { useWallFeed } from './use-wall-feed';
import ReplayBanner from './replay/ReplayBanner';
import TimeBar from './replay/TimeBar';
import { useReplay } from './replay/use-replay';
import { StillFrames } from './still';
import { useControlsShown } from './use-kiosk';
import { useWallView } from './use-wall-view';
import { bboxOfRegion, placeOf, useRedAnnouncer } from './warning-announce';

const SIDE_W = 470;
const TIMEBAR_H = 48;
const TOP = 86;
/** Below the map: the legend, then the time bar. */
const BOTTOM = 20 + TIMEBAR_H + 10;

/** The map's box in design pixels on a design canvas of `w` × `h`, with `legendH` px of legend under it. */
function mapRect(w: number, h: number, legendH: number) {
  return { left: SIDE_W + 20, top: TOP, width: w - 2 * (SIDE_W + 20), height: h - TOP - BOTTOM - legendH - 8 };
}

/** `?replay=` in the address, kept in step with the replay so a reload (or a shared link) reopens it; the token stays. */
function setReplayParam(r: ReplayRange | null): void {
  const u = new URL(window.location.href);
  if (r) u.searchParams.set('replay', formatReplayRange(r));
  else u.searchParams.delete('replay');
  window.history.replaceState(window.history.state, '', u);
}

/** Frames of quiet (no map redraw, the state shown) that mean a rendered frame is complete; and the most to wait. */
const SETTLE_FRAMES = 3;
const SETTLE_MAX_FRAMES = 900;
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

export default function WallScreen({ token, staleAfterMs, noDataAfterMs, tz, basemap }: { token: string; staleAfterMs: number; noDataAfterMs: number; tz: string; basemap: boolean }) {
  const fit = useWallFit();
  const controlsShown = useControlsShown();
  const wallView = useWallView(controlsShown);
  const region = useRegionData(token);
  // The live feed keeps running under a replay: back to live is instant, with no reload.
  const feed = useWallFeed(token, tz);
  // `?render=1`: the video export's headless browser steps the replay frame by frame (VIDEO_RENDER_HOOK).
  const renderMode = useMemo(() => new URL(window.location.href).searchParams.get('render') === '1', []);
  const [replay, replayControls] = useReplay(token, tz, renderMode);
  const probe = useRef<MapProbe>({ deckFrames: 0, baseIdle: () => false }).current;
  const shownT = useRef<number | null>(null);
  useEffect(() => { shownT.current = replay.state ? replay.t : null; });
  useEffect(() => {
    if (!renderMode) return;
    const hook: VideoRenderHook = {
      async step(t0) {
        const t = await replayControls.stepTo(t0);
        // Drawn once React has committed t and then deck.gl has drawn a frame (or had nothing to redraw for a few frames).
        let n = 0;
        while (shownT.current !== t) {
          if (++n > SETTLE_MAX_FRAMES) throw new Error('the wall did not show the moment');
          await nextFrame();
        }
        const seen = probe.deckFrames;
        for (let quiet = 0; quiet < SETTLE_FRAMES && probe.deckFrames === seen; quiet++) await nextFrame();
        // The frame after the draw: the charts' lazy updates land in it too.
        await nextFrame();
        return t;
      },
    };
    const w = window as unknown as Record<string, VideoRenderHook | undefined>;
    w[VIDEO_RENDER_HOOK] = hook;
    return () => { if (w[VIDEO_RENDER_HOOK] === hook) delete w[VIDEO_RENDER_HOOK]; };
  }, [renderMode, replayControls, probe]);
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
  const [area, setArea] = useState<WallArea>(COUNTY);
  // What the panels show: the state narrowed to the selected area (the map keeps the county's, zoomed).
  const gridIndex = useMemo(() => (region ? buildGridIndex(region.grids) : null), [region]);
  const shown = useMemo(() => (s && region ? narrowState(s, region.grids, area, (t) => zonedParts(new Date(t), tz).hour, (lon, lat) => gridIndex?.locate(lon, lat)?.gridId ?? null) : null), [s, region, area, tz, gridIndex]);
  const areaCard = useMemo(() => (shown && region && area.level !== 'county' ? { area, name: areaName(region, area), f: areaFigures(shown, region.grids, area) } : null), [shown, region, area]);
  // The server answers but no feed has delivered anything for too long: say so too.
  const dataAge = s?.newestEventAt != null ? now - s.newestEventAt : null;
  const noData = !replaying && !cutOff && s !== null && (dataAge === null || dataAge > noDataAfterMs);
  // The server answers but says it cannot reach its store or bus: nothing new can arrive, say why.
  const outage = !replaying && !cutOff && feed.down.length > 0;
  const px = fit.scale * fit.dpr;
  // The legend wraps to as many rows as the map's width needs; the map takes the rest.
  const legendRef = useRef<HTMLDivElement>(null);
  const [legendH, setLegendH] = useState(100);
  useLayoutEffect(() => {
    const el = legendRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setLegendH(el.offsetHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [s !== null && region !== null]);
  const MAP_RECT = mapRect(fit.width, fit.height, legendH);
  const heatMax = s && region ? heatValues(s, region, wallView.heat).max : 0;
  const layersShown = new Set(Object.entries(wallView.layers).filter(([, v]) => v).map(([k]) => k));

  // A new red warning: the map goes to its area for a while, then back to the area shown.
  const announced = useRedAnnouncer(s?.warnings ?? null, !replaying && s !== null && region !== null);
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);
  const flyKey = useRef(0);
  const wasAnnouncing = useRef(false);
  useEffect(() => {
    if (!region) return;
    if (announced) setFlyTo({ key: ++flyKey.current, bbox: bboxOfRegion(announced.regionCode, region) });
    else if (wasAnnouncing.current) setFlyTo({ key: ++flyKey.current, bbox: areaBBox(region, area) });
    wasAnnouncing.current = announced !== null;
    // Only an announcement moves the map here: a new area zooms it by itself (WallMap).
  }, [announced, region]);

  return (
    <StillFrames.Provider value={renderMode}>
    <div className={`wall-root${replaying ? ' replaying' : ''}${renderMode ? ' still' : ''}${controlsShown ? '' : ' controls-hidden'}`} data-testid="wall" data-ready={mapDrawn && s !== null && region !== null}
      data-mode={replaying ? 'replay' : 'live'} data-controls={controlsShown ? 'shown' : 'hidden'} data-announcing={announced?.id ?? ''}
      data-design={`${fit.width}x${fit.height}`} data-heat={heatToken(wallView.heat)} data-area={area.level === 'county' ? 'county' : `${area.level}:${area.code}`}>
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
            clockOffsetMs={replaying ? replay.t - wallNow : 0} fixedNow={renderMode ? replay.t : null} probe={probe} tz={tz} flyTo={flyTo} exposeAutomation
            heat={wallView.heat} onHeatChange={wallView.setHeat} layers={wallView.layers} onLayersChange={wallView.setLayers} area={area} onAreaChange={setArea}
            basemap={basemap ? { token } : null} />
        </div>
      )}
      <div className="wall-canvas" style={{ width: fit.width, height: fit.height, transform: `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})` }}>
        <TitleBar newestEventAt={s?.newestEventAt ?? null} tz={tz} at={replaying ? replay.t : null} />
        {!s && <div className="connecting">{replaying ? strings.replay.loading(replay.loading?.progress == null ? null : Math.round(replay.loading.progress * 100))
          : feed.error === 'unauthorized' ? strings.wall.unauthorized : strings.wall.connecting}</div>}
        {s && region && (
          <div ref={legendRef} className="map-legend-band" style={{ position: 'absolute', left: MAP_RECT.left, width: MAP_RECT.width, top: MAP_RECT.top + MAP_RECT.height + 8 }}>
            <MapLegend layers={layersShown} heatSpec={wallView.heat} heatMax={heatMax} />
          </div>
        )}
        {areaCard && (
          <div style={{ position: 'absolute', left: MAP_RECT.left + 16, top: MAP_RECT.top + MAP_RECT.height - 16 }}>
            <AreaCard area={areaCard.area} name={areaCard.name} f={areaCard.f} />
          </div>
        )}
        {announced && region && (
          <div className="red-announce" data-testid="red-announce" data-warning-id={announced.id} role="alert" style={{ left: MAP_RECT.left + 16, top: MAP_RECT.top + 56, maxWidth: MAP_RECT.width - 32 }}>
            <b>{strings.panels.newRedWarning}</b> {placeOf(announced.regionCode, region, strings.panels.countyWide)} · {strings.briefing.rule[announced.rule] ?? ''}
          </div>
        )}
        {!renderMode && (
          <div style={{ position: 'absolute', left: MAP_RECT.left, width: MAP_RECT.width, bottom: 0, height: TIMEBAR_H + 20 }}>
            <TimeBar view={replay} controls={replayControls} tz={tz} onOpen={openReplay} onExit={exitReplay} />
          </div>
        )}
        {shown && region && (
          <>
            <aside className="column left" style={{ width: SIDE_W }}>
              <CallsToday f={shown.figures} lastWeekKnown={shown.lastWeekKnown} />
              <HourlyCalls f={shown.figures} width={SIDE_W - 28} pixelRatio={px} lastWeekKnown={shown.lastWeekKnown} />
              <Categories f={shown.figures} />
              <Dispatch s={shown} />
            </aside>
            <aside className="column right" style={{ width: SIDE_W }}>
              <DutyFigures s={shown} now={now} />
              <Rates s={shown} countyOnly={area.level !== 'county'} />
              <CaseFunnel s={shown} />
              <Warnings warnings={shown.warnings} tz={tz} region={region} announced={announced} />
              <Feed key={replaying ? `replay-${replay.seekGen}` : 'live'} incidents={shown.incidents} region={region} tz={tz} dayStart={shown.figures.dayStart} />
            </aside>
          </>
        )}
      </div>
    </div>
    </StillFrames.Provider>
  );
}
