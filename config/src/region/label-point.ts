/**
 * Where an area's name goes on the map: the point of its polygon farthest from any edge (its
 * pole of inaccessibility, by mapbox's polylabel), so a concave or crescent-shaped area gets
 * its label inside it and clear of its borders, where a centroid can fall outside. Longitude
 * is scaled by cos(latitude) first, so "farthest" is measured in ground distance. `within`
 * clips the polygon to a box first: a neighbouring county's label then lands on its part
 * the map shows, not at its far-away middle.
 */
import { clipPolygon } from 'lineclip';
import polylabel from 'polylabel';
import type { PolygonGeometry } from './schema';

type Box = readonly [number, number, number, number];
type Ring = [number, number][];

/** ~5 m: finer than any label needs, coarse enough to place a village's 300 grids in a blink. */
const PRECISION_DEG = 5e-5;

export function labelPoint(geometry: PolygonGeometry, within?: Box): [number, number] | null {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const lat0 = within ? (within[1] + within[3]) / 2 : polys[0]![0]![0]![1];
  const k = Math.cos((lat0 * Math.PI) / 180);
  let best: { p: [number, number]; d: number } | null = null;
  for (const poly of polys) {
    let rings: Ring[] = poly.map((r) => r.map(([x, y]) => [x, y] as [number, number]));
    // Holes lie inside the outer ring: when its clip is empty, so is theirs, and nothing of this part is on the map.
    if (within) rings = rings.map((r) => clipPolygon(r, within)).filter((r) => r.length >= 3);
    if (rings.length === 0) continue;
    const p = polylabel(rings.map((r) => r.map(([x, y]) => [x * k, y] as [number, number])), PRECISION_DEG);
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
    if (!best || p.distance > best.d) best = { p: [p[0] / k, p[1]], d: p.distance };
  }
  return best?.p ?? null;
}
