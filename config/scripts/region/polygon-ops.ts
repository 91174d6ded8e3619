/**
 * Polygon plumbing for the region builder: boolean ops, cleaning, rounding.
 * Internally polygons are polygon-clipping's nested arrays (MultiPolygon =
 * Polygon[] = Ring[][]); they become GeoJSON geometries only when written.
 */
import { createRequire } from 'node:module';
import type * as PolygonClipping from 'polygon-clipping';
import type { PolygonGeometry } from '../../src/region/schema';

export type Pt = PolygonClipping.Pair;
export type Ring = PolygonClipping.Ring;
export type Polygon = PolygonClipping.Polygon;
export type MultiPolygon = PolygonClipping.MultiPolygon;

// polygon-clipping is CommonJS with a hand-written d.ts that has no default
// export; require() sidesteps the ESM/CJS interop settings of whichever
// tsconfig ends up compiling this.
const pc = createRequire(import.meta.url)('polygon-clipping') as typeof PolygonClipping;

/** polygon-clipping takes either shape per argument. */
export type Geom = Polygon | MultiPolygon;

export function union(...geoms: Geom[]): MultiPolygon {
  const [first, ...rest] = geoms;
  return first ? pc.union(first, ...rest) : [];
}

export function intersection(a: Geom, b: Geom): MultiPolygon {
  return pc.intersection(a, b);
}

/** Shoelace area in square degrees; sign follows orientation. */
export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a && b) s += (b[0] - a[0]) * (b[1] + a[1]);
  }
  return s / 2;
}

export function polygonArea(poly: Polygon): number {
  return poly.reduce((s, ring, i) => s + (i === 0 ? 1 : -1) * Math.abs(ringArea(ring)), 0);
}

export function area(mp: MultiPolygon): number {
  return mp.reduce((s, p) => s + polygonArea(p), 0);
}

export function bbox(mp: MultiPolygon): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of mp) for (const r of p) for (const [x, y] of r) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

function dedupeRing(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  return out;
}

/**
 * The echarts outlines are quantised to 1/1024° and carry runs of repeated
 * vertices and occasional spikes; a self-union turns that into a valid
 * polygon-clipping geometry (closed, oriented, non-self-intersecting).
 */
export function clean(mp: MultiPolygon): MultiPolygon {
  const deduped = mp
    .map((p) => p.map(dedupeRing).filter((r) => r.length >= 4))
    .filter((p) => p.length > 0);
  return union(deduped);
}

const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals;
  // +0 turns -0 into 0 so the JSON never says "-0".
  return Math.round(v * f) / f + 0;
};

/**
 * Rounds to `decimals` places. Shared edges round identically, so neighbours
 * still meet exactly; rings that collapse to nothing are dropped.
 */
export function roundGeometry(mp: MultiPolygon, decimals: number): MultiPolygon {
  const out: MultiPolygon = [];
  for (const poly of mp) {
    const rings = poly.map((r) => dedupeRing(r.map(([x, y]) => [round(x, decimals), round(y, decimals)] as Pt)));
    const outer = rings[0];
    if (!outer || outer.length < 4 || ringArea(outer) === 0) continue;
    out.push([outer, ...rings.slice(1).filter((r) => r.length >= 4 && ringArea(r) !== 0)]);
  }
  return out;
}

export function roundPoint(p: Pt, decimals: number): Pt {
  return [round(p[0], decimals), round(p[1], decimals)];
}

/** GeoJSON geometry: a plain Polygon when there is one part, so most features stay simple. */
export function toGeometry(mp: MultiPolygon): PolygonGeometry {
  const only = mp.length === 1 ? mp[0] : undefined;
  return only ? { type: 'Polygon', coordinates: only } : { type: 'MultiPolygon', coordinates: mp };
}

export function asPolygonGeometry(mp: MultiPolygon): PolygonGeometry {
  return { type: 'MultiPolygon', coordinates: mp };
}
