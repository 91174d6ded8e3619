/**
 * The offline basemap: the region's own layers on a dark ground, no tile service and no
 * glyph server (labels are drawn by deck.gl). A deployment on an intranet can put a raster
 * tile URL in NEXT_PUBLIC_TILE_URL, or a vector basemap in BASEMAP_PMTILES (basemap.ts); either
 * is drawn under the region's layers (the county's fill thins over a vector basemap, so it shows through).
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { RegionData } from '../wall/region-data';
import { ground } from '../wall/theme';
import type { BasemapStyle } from './basemap';

export function baseStyle(region: RegionData, tileUrl?: string, basemap?: BasemapStyle): StyleSpecification {
  const thin = basemap !== undefined;
  return {
    version: 8,
    sources: {
      neighbours: { type: 'geojson', data: region.neighbours as never },
      county: { type: 'geojson', data: region.county as never },
      towns: { type: 'geojson', data: region.towns as never },
      villages: { type: 'geojson', data: region.villages as never },
      ...(tileUrl ? { tiles: { type: 'raster' as const, tiles: [tileUrl], tileSize: 256 } } : {}),
      ...basemap?.sources,
    },
    layers: [
      { id: 'ground', type: 'background', paint: { 'background-color': ground } },
      ...(tileUrl ? [{ id: 'tiles', type: 'raster' as const, source: 'tiles', paint: { 'raster-opacity': 0.35 } }] : []),
      ...(basemap?.layers ?? []),
      { id: 'neighbours-fill', type: 'fill', source: 'neighbours', paint: { 'fill-color': '#0b1b3f', 'fill-opacity': thin ? 0.45 : 0.8 } },
      { id: 'neighbours-line', type: 'line', source: 'neighbours', paint: { 'line-color': '#24406f', 'line-width': 1 } },
      { id: 'county-fill', type: 'fill', source: 'county', paint: { 'fill-color': '#0d2a5c', 'fill-opacity': thin ? 0.3 : 0.9 } },
      // The county glows at the centre of the wall: a wide soft line under a crisp one.
      { id: 'county-glow', type: 'line', source: 'county', paint: { 'line-color': '#3fa9ff', 'line-width': 14, 'line-blur': 12, 'line-opacity': 0.55 } },
      { id: 'villages-line', type: 'line', source: 'villages', minzoom: 10.5, paint: { 'line-color': '#5a8fd6', 'line-width': 0.6, 'line-opacity': 0.6 } },
      { id: 'towns-line', type: 'line', source: 'towns', paint: { 'line-color': '#7cc4ff', 'line-width': 1.4, 'line-opacity': 0.85 } },
      { id: 'county-line', type: 'line', source: 'county', paint: { 'line-color': '#8fd3ff', 'line-width': 2.2 } },
    ],
  };
}
