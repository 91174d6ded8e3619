/**
 * Random points inside polygons. Everything takes an Rng so that the same seed
 * places the same points.
 */
import { pointInPolygon } from '../../src/region/geometry';
import { asPolygonGeometry, bbox, type MultiPolygon, type Pt } from './polygon-ops';
import type { Rng } from './seeded-random';

/**
 * lon degrees shrink with cos(lat); distances compare in this locally
 * isotropic frame so "nearest" and "evenly spread" mean the same in km on both axes.
 */
export function lonScaleAt(lat: number): number {
  return Math.cos((lat * Math.PI) / 180);
}

export function dist2(a: Pt, b: Pt, kx: number): number {
  const dx = (a[0] - b[0]) * kx;
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

/** Uniform point in the polygon by rejection from its bbox. */
export function randomPointIn(mp: MultiPolygon, rng: Rng, accept: (p: Pt) => boolean = () => true): Pt {
  const [x0, y0, x1, y1] = bbox(mp);
  const geom = asPolygonGeometry(mp);
  for (let tries = 0; tries < 100_000; tries++) {
    const p: Pt = [rng.range(x0, x1), rng.range(y0, y1)];
    if (pointInPolygon(p[0], p[1], geom) && accept(p)) return p;
  }
  throw new Error('randomPointIn: no accepted point after 100000 tries (polygon too thin?)');
}

export function uniformPoints(mp: MultiPolygon, n: number, rng: Rng): Pt[] {
  return Array.from({ length: n }, () => randomPointIn(mp, rng));
}

/**
 * Mitchell's best-candidate sampling: each new point is the candidate farthest
 * from those already placed, which spreads seeds evenly without a grid look, so
 * the Voronoi cells built on them come out with similar sizes.
 */
export function spreadPoints(
  mp: MultiPolygon,
  n: number,
  rng: Rng,
  kx: number,
  opts: { fixed?: readonly Pt[]; accept?: (p: Pt) => boolean; candidates?: number } = {},
): Pt[] {
  const candidates = opts.candidates ?? 12;
  const placed: Pt[] = [...(opts.fixed ?? [])];
  const out: Pt[] = [];
  for (let i = 0; i < n; i++) {
    let best: Pt | undefined;
    let bestD = -1;
    for (let c = 0; c < candidates; c++) {
      const p = randomPointIn(mp, rng, opts.accept);
      let d = Infinity;
      for (const q of placed) d = Math.min(d, dist2(p, q, kx));
      if (d > bestD) {
        bestD = d;
        best = p;
      }
    }
    if (!best) throw new Error('spreadPoints: no candidate');
    placed.push(best);
    out.push(best);
  }
  return out;
}
