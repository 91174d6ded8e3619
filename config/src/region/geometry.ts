/**
 * Plain-geometry helpers over the region schema's polygons, shared by the region
 * builder, its tests, and anything that needs "which grid is this point in".
 * Coordinates are lon/lat degrees treated as planar: at county scale the
 * distortion is far below the size of any grid.
 */
import type { PolygonGeometry } from './schema';

type Position = readonly [number, number];

/** Even-odd ray casting over every ring, so holes subtract without special-casing. */
function inRings(lon: number, lat: number, rings: readonly (readonly Position[])[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i];
      const b = ring[j];
      if (!a || !b) continue;
      const [xi, yi] = a;
      const [xj, yj] = b;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** True when (lon, lat) is inside the Polygon (holes excluded) or any part of the MultiPolygon. */
export function pointInPolygon(lon: number, lat: number, geometry: PolygonGeometry): boolean {
  if (geometry.type === 'Polygon') return inRings(lon, lat, geometry.coordinates);
  return geometry.coordinates.some((poly) => inRings(lon, lat, poly));
}

/** [minLon, minLat, maxLon, maxLat] of a polygon geometry. */
export function geometryBBox(geometry: PolygonGeometry): [number, number, number, number] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of polys) {
    for (const ring of poly) {
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}
