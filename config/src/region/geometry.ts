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

/** Metres per degree of latitude, and of longitude at the equator (scaled by cos(lat) elsewhere). */
export const M_PER_DEG_LAT = 110_540;
export const M_PER_DEG_LON_EQ = 111_320;

/**
 * Metres from (lon, lat) to the nearest edge of the geometry, 0 inside it. Planar around the
 * point (equirectangular at its latitude): at the few hundred metres this is asked for, the
 * error is far below a grid's size.
 */
export function distanceToGeometryM(lon: number, lat: number, geometry: PolygonGeometry): number {
  if (pointInPolygon(lon, lat, geometry)) return 0;
  const kx = M_PER_DEG_LON_EQ * Math.cos((lat * Math.PI) / 180);
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = Infinity;
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 1; i < ring.length; i++) {
        const ax = (ring[i - 1]![0] - lon) * kx;
        const ay = (ring[i - 1]![1] - lat) * M_PER_DEG_LAT;
        const bx = (ring[i]![0] - lon) * kx;
        const by = (ring[i]![1] - lat) * M_PER_DEG_LAT;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
        const d = Math.hypot(ax + t * dx, ay + t * dy);
        if (d < best) best = d;
      }
    }
  }
  return best;
}

/** The area-weighted centroid of the geometry's outer rings (holes ignored: grids have none that matter here). */
export function geometryCentroid(geometry: PolygonGeometry): { lon: number; lat: number } {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  // Relative to one vertex: products of raw degrees (~110 × 34) cancel away the small areas.
  const [ox, oy] = polys[0]![0]![0]!;
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of polys) {
    const ring = poly[0]!;
    for (let i = 1; i < ring.length; i++) {
      const x0 = ring[i - 1]![0] - ox;
      const y0 = ring[i - 1]![1] - oy;
      const x1 = ring[i]![0] - ox;
      const y1 = ring[i]![1] - oy;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  if (a === 0) {
    const [minX, minY, maxX, maxY] = geometryBBox(geometry);
    return { lon: (minX + maxX) / 2, lat: (minY + maxY) / 2 };
  }
  return { lon: ox + cx / (3 * a), lat: oy + cy / (3 * a) };
}
