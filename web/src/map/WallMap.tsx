'use client';
/**
 * The wall's map: maplibre for the region's base layers, deck.gl (MapLibreOverlay — the
 * MapboxOverlay breaks with maplibre 6) for the live layers from the registry. Layers are
 * built anew only when what they show changes (not on every render of the wall's clock);
 * deck.gl diffs them, and unchanged data keeps its identity. Drill-down: a click on a grid
 * selects county → town → village → grid (config's drillTarget), the map zooms to it and names
 * the level below; the breadcrumb goes back. The wall holds the selected area (`area`,
 * `onAreaChange`: its panels follow it); without them the map keeps its own. A lost WebGL context remounts the map instead of leaving it black.
 * `onFirstFrame` fires once per mount, when the base map has loaded and deck.gl has drawn a
 * frame with the live layers: the wall's readiness signal (a software-rendered 4K screen can
 * take far longer than a canvas takes to appear).
 * The console adds selection: with `onSelectIncident`, a click on an incident selects it
 * instead of drilling down, `selectedIncidentId` is ringed, and each new `flyTo` moves the map.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { PickingInfo } from '@deck.gl/core';
import { geometryBBox } from '@watchfloor/config/region/geometry';
import { strings } from '@watchfloor/config/strings';
import { areaTrail, COUNTY, drillTarget, sameArea, type WallArea, type WallCall, type WallState } from '@watchfloor/config/wall';
import { WALL_LAYERS, type LayerContext } from './layers';
import { areaLabels } from './layers/area-labels';
import { neighbourLabels } from './layers/neighbour-labels';
import { heatValues, type HeatSpec } from './heat-values';
import { baseStyle } from './base-style';
import { basemapStyle, exposeBasemapProgress, LABEL_FONTS, type BasemapAccess } from './basemap';
import { areaFeatures, areaName, type RegionData } from '../wall/region-data';
import { cameraCard, incidentCard, unitCard } from '../wall/hover-card';

maplibregl.setWorkerUrl('/maplibre-gl-worker.mjs');

const HEAT_CHOICES: { source: HeatSpec['source']; window: HeatSpec['window']; label: string }[] = [
  { source: 'calls', window: '1h', label: strings.map.calls1h },
  { source: 'calls', window: '24h', label: strings.map.calls24h },
  { source: 'calls', window: '7d', label: strings.map.calls7d },
  { source: 'alerts', window: '24h', label: strings.map.alerts24h },
  { source: 'cases', window: '24h', label: strings.map.openCases },
];

/** Where the map should go: a point (zoomed in at least to `minZoom`) or a box. A new `key` moves it again. */
export type FlyTarget = { key: number; center: [number, number]; minZoom?: number } | { key: number; bbox: [number, number, number, number] };

/**
 * What the console's browser tests use to click an incident by its position: lon/lat to the
 * page's CSS pixels, as the map draws it now. Set on `window` only when `exposeAutomation` is on.
 */
export const MAP_AUTOMATION_HOOK = '__watchfloorMapAutomation';
export interface MapAutomation { toScreen(lon: number, lat: number): { x: number; y: number }; isMoving(): boolean }

/** What the video export watches to know a frame is drawn: deck.gl's frames so far, and whether the base map is at rest with its tiles in. */
export interface MapProbe { deckFrames: number; baseIdle: () => boolean }

interface Props {
  region: RegionData; state: WallState; width: number; height: number; scale: number; onFirstFrame?: () => void;
  /** How far the wall's clock is from this screen's (a replay's moment minus now): pulses follow the replayed time. */
  clockOffsetMs?: number;
  /** A rendered frame's moment: the layers read it instead of the screen's clock (deterministic frames). */
  fixedNow?: number | null;
  probe?: MapProbe;
  selectedIncidentId?: string | null; onSelectIncident?: (c: WallCall) => void; flyTo?: FlyTarget | null; exposeAutomation?: boolean;
  /** The wall holds the choropleth mode and the layers shown (its address sets them, a rotation steps them); without these the map keeps its own. */
  heat?: HeatSpec; onHeatChange?: (h: HeatSpec) => void;
  layers?: Record<string, boolean>; onLayersChange?: (v: Record<string, boolean>) => void;
  area?: WallArea; onAreaChange?: (a: WallArea) => void;
  /** The center's zone (TZ_CENTER) for the hover cards' times. */
  tz: string;
  /** Set when BASEMAP_PMTILES is: the vector basemap goes under the region's layers. */
  basemap?: BasemapAccess | null;
}

/** How near (CSS px) a click must land to an incident's dot to pick it. */
const PICK_RADIUS_PX = 6;

function bboxOf(features: { geometry: Parameters<typeof geometryBBox>[0] }[]): [number, number, number, number] {
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    const [a, c, d, e] = geometryBBox(f.geometry);
    b = [Math.min(b[0], a), Math.min(b[1], c), Math.max(b[2], d), Math.max(b[3], e)];
  }
  return b;
}

export default function WallMap(props: Props) {
  // Remounting on context loss gives a fresh GL context and restores every layer.
  const [generation, setGeneration] = useState(0);
  const [lost, setLost] = useState(false);
  const onContextLost = useCallback(() => {
    setLost(true);
    setTimeout(() => { setGeneration((g) => g + 1); setLost(false); }, 1000);
  }, []);
  return (
    <>
      <MapInner key={generation} {...props} onContextLost={onContextLost} />
      {lost && <div className="map-lost">{strings.wall.webglLost}</div>}
    </>
  );
}

function MapInner({ region, state, width, height, scale, onContextLost, onFirstFrame, clockOffsetMs = 0, fixedNow = null, probe, selectedIncidentId = null, onSelectIncident, flyTo, exposeAutomation, heat, onHeatChange, layers, onLayersChange, area: wallArea, onAreaChange, tz, basemap }: Props & { onContextLost: () => void }) {
  const el = useRef<HTMLDivElement>(null);
  const baseLoaded = useRef(false);
  const firstFrameSeen = useRef(false);
  const [drawn, setDrawn] = useState(false);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const [ownArea, setOwnArea] = useState<WallArea>(COUNTY);
  const focus = wallArea ?? ownArea;
  const setFocus = (a: WallArea) => (onAreaChange ? onAreaChange(a) : setOwnArea(a));
  const [ownHeat, setOwnHeat] = useState<HeatSpec>({ source: 'calls', window: '24h', metric: 'count' });
  const [ownVisible, setOwnVisible] = useState<Record<string, boolean>>(() => Object.fromEntries(WALL_LAYERS.map((l) => [l.id, l.defaultVisible])));
  const heatSpec = heat ?? ownHeat;
  const visible = layers ?? ownVisible;
  const setHeatSpec = (f: (h: HeatSpec) => HeatSpec) => (onHeatChange ? onHeatChange(f(heatSpec)) : setOwnHeat(f));
  const setVisible = (f: (v: Record<string, boolean>) => Record<string, boolean>) => (onLayersChange ? onLayersChange(f(visible)) : setOwnVisible(f));
  const [hover, setHover] = useState<{ x: number; y: number; lines: string[] } | null>(null);

  useEffect(() => {
    const [x0, y0, x1, y1] = region.meta.bbox;
    const map = new maplibregl.Map({
      container: el.current!, style: baseStyle(region, process.env.NEXT_PUBLIC_TILE_URL, basemap ? basemapStyle(basemap) : undefined), bounds: [[x0, y0], [x1, y1]],
      fitBoundsOptions: { padding: 20 }, attributionControl: false, dragRotate: false, pitchWithRotate: false, localIdeographFontFamily: LABEL_FONTS,
    });
    if (basemap) exposeBasemapProgress(map, el.current!);
    map.once('load', () => { baseLoaded.current = true; });
    // A card describes what is under the pointer: once the map moves (a drill-down, a fly-to) it no longer is.
    map.on('movestart', () => setHover(null));
    const overlay = new MapLibreOverlay({ layers: [] });
    map.addControl(overlay);
    mapRef.current = map;
    overlayRef.current = overlay;
    if (probe) probe.baseIdle = () => map.loaded() && !map.isMoving();
    const canvas = map.getCanvas();
    canvas.addEventListener('webglcontextlost', onContextLost);
    return () => {
      canvas.removeEventListener('webglcontextlost', onContextLost);
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
    // The map is created once per mount; region data does not change while mounted.
  }, [region, onContextLost]);

  useEffect(() => { mapRef.current?.resize(); }, [width, height]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !flyTo) return;
    if ('center' in flyTo) map.flyTo({ center: flyTo.center, zoom: Math.max(map.getZoom(), flyTo.minZoom ?? 12), duration: 800 });
    else map.fitBounds([[flyTo.bbox[0], flyTo.bbox[1]], [flyTo.bbox[2], flyTo.bbox[3]]], { padding: 60, duration: 800, maxZoom: 14 });
    // Only a new target moves the map: a re-render with the same one must not undo the user's panning.
  }, [flyTo?.key]);

  useEffect(() => {
    if (!exposeAutomation) return;
    const hook: MapAutomation = {
      toScreen(lon, lat) {
        const map = mapRef.current!;
        const p = map.project([lon, lat]);
        const r = map.getContainer().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      },
      isMoving: () => mapRef.current?.isMoving() ?? true,
    };
    const w = window as unknown as Record<string, MapAutomation | undefined>;
    w[MAP_AUTOMATION_HOOK] = hook;
    return () => { if (w[MAP_AUTOMATION_HOOK] === hook) delete w[MAP_AUTOMATION_HOOK]; };
  }, [exposeAutomation]);

  // A new area zooms the map to it (not on mount: the map opens on the county).
  const shownArea = useRef<WallArea>(focus);
  useEffect(() => {
    if (sameArea(shownArea.current, focus)) return;
    shownArea.current = focus;
    if (focus.level === 'county') { const [a, b, c, d] = region.meta.bbox; mapRef.current?.fitBounds([[a, b], [c, d]], { padding: 20, duration: 800 }); }
    else fitTo(areaFeatures(region, focus));
  });

  const focusGridId = focus.level === 'grid' ? focus.code : null;
  const areaKey = focus.level === 'county' ? 'county' : `${focus.level}:${focus.code}`;
  const deckLayers = useMemo(() => {
    const ctx: LayerContext = { region, state, heat: heatSpec, clockOffsetMs, fixedClockMs: fixedNow, area: focus, focusGridId, scale, selectedIncidentId };
    return WALL_LAYERS.filter((l) => visible[l.id]).map((l) => l.build(ctx)).filter((l) => l !== null);
    // focus by its key: the same area re-sent as a new object draws the same layers.
  }, [region, state, heatSpec.source, heatSpec.window, heatSpec.metric, clockOffsetMs, fixedNow, areaKey, scale, selectedIncidentId, visible]);
  // The handlers read this render's state through a ref, so new ones do not mean new props for deck.gl.
  const handlers = useRef({ onPick: (_: PickingInfo) => {}, onHover: (_: PickingInfo) => {} });
  useEffect(() => { handlers.current = { onPick, onHover }; });
  useEffect(() => {
    const layers = deckLayers;
    overlayRef.current?.setProps({
      layers,
      onAfterRender: () => {
        if (probe) probe.deckFrames++;
        if (firstFrameSeen.current || !baseLoaded.current || layers.length === 0) return;
        firstFrameSeen.current = true;
        setDrawn(true);
        onFirstFrame?.();
      },
      onClick: (info: PickingInfo) => handlers.current.onPick(info),
      onHover: (info: PickingInfo) => handlers.current.onHover(info),
    });
  }, [deckLayers]);

  const fitTo = (features: { geometry: Parameters<typeof geometryBBox>[0] }[]) => {
    const [a, b, c, d] = bboxOf(features);
    mapRef.current?.fitBounds([[a, b], [c, d]], { padding: 40, duration: 800 });
  };

  function onPick(info: PickingInfo) {
    setHover(null);
    if (onSelectIncident) {
      // The incidents layer by name: a unit or grid drawn at the same pixel must not hide the call under it.
      const hit = overlayRef.current?.pickObject({ x: info.x, y: info.y, radius: PICK_RADIUS_PX * scale, layerIds: ['incidents'] });
      const c = hit?.object as WallCall | undefined;
      if (c) { onSelectIncident(c); return; }
    }
    const code = (info.object as { properties?: { code?: string } } | null)?.properties?.code;
    if (!info.layer || info.layer.id !== 'grid-heat' || !code) return;
    const grid = region.grids.features.find((f) => f.properties.code === code);
    if (grid) setFocus(drillTarget(focus, grid.properties));
  }

  function onHover(info: PickingInfo) {
    // A marker over its grid: the marker's card (nearest first, within a few pixels).
    const mark = overlayRef.current?.pickObject({ x: info.x, y: info.y, radius: PICK_RADIUS_PX * scale, layerIds: ['incidents', 'units', 'cameras'] });
    if (mark?.object) {
      const lines = mark.layer?.id === 'incidents' ? incidentCard(mark.object as WallCall, state, tz)
        : mark.layer?.id === 'units' ? unitCard(mark.object as Parameters<typeof unitCard>[0], state, tz)
        : cameraCard((mark.object as { id: string }).id, state, tz);
      setHover({ x: info.x, y: info.y, lines });
      return;
    }
    const o = info.object as { properties?: { code?: string; population?: number } } | null;
    if (!o || info.layer?.id !== 'grid-heat' || !o.properties?.code) { setHover(null); return; }
    const code = o.properties.code;
    const count = heatValues(state, region, { ...heatSpec, metric: 'count' }).get(code);
    const rate = heatValues(state, region, { ...heatSpec, metric: 'rate' }).get(code);
    const what = strings.map.heatLabel(heatSpec.source, heatSpec.window);
    setHover({ x: info.x, y: info.y, lines: [region.gridName.get(code) ?? code, strings.map.hover.population(o.properties.population ?? '-'), `${what} ${count}`, strings.map.hover.per10k(rate.toFixed(1))] });
  }

  const crumbs = areaTrail(region.grids, focus).map((a) => ({ area: a, label: areaName(region, a) }));
  const labels = areaLabels(region, focus);

  return (
    <div className="wall-map" data-testid="wall-map" data-drawn={drawn} data-incidents={state.incidents.length} data-seq={state.seq} data-newest-incident={state.incidents[0]?.id ?? ''} data-selected={selectedIncidentId ?? ''}
      data-layers={WALL_LAYERS.filter((l) => visible[l.id]).map((l) => l.id).join(' ')} data-heat={`${heatSpec.source}-${heatSpec.window}-${heatSpec.metric}`}
      data-area={areaKey} data-label-level={labels.level} data-labels={labels.labels.map((l) => l.code).join(' ')} data-neighbours={neighbourLabels(region).map((l) => l.name).join(' ')} style={{ width, height }}>
      <div ref={el} style={{ position: 'absolute', inset: 0 }} />
      <div className="map-crumbs" style={{ transform: `scale(${scale})`, transformOrigin: '0 0' }}>
        {crumbs.map((c, i) => <button key={i} type="button" data-area={c.area.level === 'county' ? 'county' : `${c.area.level}:${c.area.code}`} onClick={() => setFocus(c.area)}>{c.label}</button>)}
      </div>
      <div className="map-metric" style={{ transform: `scale(${scale})`, transformOrigin: '100% 0' }}>
        <div className="row">
          {HEAT_CHOICES.map((c) => (
            <button key={c.label} type="button" data-heat={`${c.source}-${c.window}`} className={heatSpec.source === c.source && heatSpec.window === c.window ? 'on' : ''}
              onClick={() => setHeatSpec((h) => ({ ...h, source: c.source, window: c.window }))}>{c.label}</button>
          ))}
        </div>
        <div className="row">
          <button type="button" className={heatSpec.metric === 'count' ? 'on' : ''} onClick={() => setHeatSpec((h) => ({ ...h, metric: 'count' }))}>{strings.map.count}</button>
          <button type="button" className={heatSpec.metric === 'rate' ? 'on' : ''} onClick={() => setHeatSpec((h) => ({ ...h, metric: 'rate' }))}>{strings.map.per10k}</button>
        </div>
        <div className="layers">
          {WALL_LAYERS.filter((l) => l.label).map((l) => (
            <label key={l.id}><input type="checkbox" data-layer={l.id} checked={visible[l.id] ?? false} onChange={(e) => setVisible((v) => ({ ...v, [l.id]: e.target.checked }))} />{l.label}</label>
          ))}
        </div>
      </div>
      {hover && (
        <div className="map-card" style={{ left: hover.x + 12, top: hover.y + 12, transform: `scale(${scale})`, transformOrigin: '0 0' }}>
          {hover.lines.map((l, i) => <div key={i}>{l}</div>)}
        </div>
      )}
    </div>
  );
}
