/**
 * The optional vector basemap (BASEMAP_PMTILES): a Protomaps-basemap archive read from our own
 * server (/api/basemap.pmtiles, in byte ranges, through maplibre's `pmtiles` protocol) and
 * drawn dark and quiet, so the region's layers and the live ones stay what the eye reads.
 * Nothing leaves the origin: the style has no `glyphs` URL, and maplibre then draws every
 * label with the screen's own fonts (CJK through `localIdeographFontFamily`).
 */
import * as maplibregl from 'maplibre-gl';
import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { FetchSource, PMTiles, Protocol } from 'pmtiles';

export const BASEMAP_URL = '/api/basemap.pmtiles';
export const BASEMAP_SOURCE = 'basemap';

/** The CJK faces the wall's CSS uses, so the map's place names look like the panels' text. */
export const LABEL_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';

/** What the wall passes down when a basemap is configured: the credential the archive is read with. */
export interface BasemapAccess {
  /** The wall's token (sent as a header); null on a signed-in page, where the session cookie is the credential. */
  token: string | null;
}

export interface BasemapStyle { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] }

let protocol: Protocol | null = null;
let registeredToken: string | null | undefined;

/** maplibre's protocol is global: it is added once per page, and the archive again only when the credential changes. */
function register(token: string | null): void {
  if (!protocol) {
    protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  if (registeredToken === token && protocol.get(BASEMAP_URL)) return;
  const headers = new Headers(token !== null ? { authorization: `Bearer ${token}` } : {});
  protocol.add(new PMTiles(new FetchSource(BASEMAP_URL, headers, 'same-origin')));
  registeredToken = token;
}

const kind = (...kinds: string[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', kinds]];
const byZoom = (...stops: number[]): ExpressionSpecification => ['interpolate', ['linear'], ['zoom'], ...stops];
const isPolygon: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon'];
const isLine: ExpressionSpecification = ['==', ['geometry-type'], 'LineString'];

/** The Protomaps basemap's layers (earth, landuse, water, roads, places) in the wall's dark blues. */
function layers(): LayerSpecification[] {
  const src = { source: BASEMAP_SOURCE } as const;
  return [
    { id: 'basemap-earth', type: 'fill', ...src, 'source-layer': 'earth', paint: { 'fill-color': '#071330' } },
    { id: 'basemap-landuse', type: 'fill', ...src, 'source-layer': 'landuse', filter: kind('park', 'forest', 'wood', 'nature_reserve', 'grass', 'farmland', 'orchard'), paint: { 'fill-color': '#0a1f36', 'fill-opacity': 0.7 } },
    { id: 'basemap-urban', type: 'fill', ...src, 'source-layer': 'landuse', filter: kind('residential', 'industrial', 'commercial', 'urban_area'), paint: { 'fill-color': '#0e1d42', 'fill-opacity': 0.7 } },
    { id: 'basemap-water', type: 'fill', ...src, 'source-layer': 'water', filter: isPolygon, paint: { 'fill-color': '#03203f' } },
    { id: 'basemap-waterway', type: 'line', ...src, 'source-layer': 'water', filter: isLine, paint: { 'line-color': '#0a3a6b', 'line-width': byZoom(8, 0.6, 14, 2.5) } },
    { id: 'basemap-roads-minor', type: 'line', ...src, 'source-layer': 'roads', minzoom: 12, filter: kind('minor_road', 'path', 'other'), paint: { 'line-color': '#12264d', 'line-width': byZoom(12, 0.5, 16, 2) } },
    { id: 'basemap-roads-major', type: 'line', ...src, 'source-layer': 'roads', filter: kind('major_road'), paint: { 'line-color': '#1a3560', 'line-width': byZoom(8, 0.6, 14, 2.5) } },
    { id: 'basemap-roads-highway', type: 'line', ...src, 'source-layer': 'roads', filter: kind('highway'), paint: { 'line-color': '#22447a', 'line-width': byZoom(6, 0.8, 14, 3.5) } },
    {
      id: 'basemap-places', type: 'symbol', ...src, 'source-layer': 'places', filter: kind('locality', 'neighbourhood'),
      layout: {
        // The Chinese name where the archive has one (Protomaps' name:zh-Hans), else the local name.
        'text-field': ['coalesce', ['get', 'name:zh-Hans'], ['get', 'name:zh'], ['get', 'name']],
        'text-size': byZoom(8, 11, 14, 15),
        'text-padding': 8,
      },
      paint: { 'text-color': '#6e86b0', 'text-halo-color': '#050d24', 'text-halo-width': 1.2 },
    },
  ];
}

/** Registers the archive with maplibre (once per credential) and returns its source and layers, to go under the region's. */
export function basemapStyle(access: BasemapAccess): BasemapStyle {
  register(access.token);
  return { sources: { [BASEMAP_SOURCE]: { type: 'vector', url: `pmtiles://${BASEMAP_URL}` } }, layers: layers() };
}

/**
 * Says on the map's element how far the basemap got (`data-basemap-tiles`: tiles loaded;
 * `data-basemap-labels`: place names drawn at the last rest), for an operator's devtools and
 * the browser test — a basemap that fails leaves the wall working, only emptier.
 */
export function exposeBasemapProgress(map: maplibregl.Map, el: HTMLElement): void {
  let tiles = 0;
  map.on('sourcedata', (e) => {
    if (e.sourceId === BASEMAP_SOURCE && e.tile) el.dataset.basemapTiles = String(++tiles);
  });
  map.on('idle', () => {
    el.dataset.basemapLabels = String(map.queryRenderedFeatures({ layers: ['basemap-places'] }).length);
  });
}
