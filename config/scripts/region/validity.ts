/**
 * Checks that written polygons are what map libraries and point-in-polygon code
 * assume: closed rings, at least four positions, and edges that never cross or
 * touch except where consecutive. Rounding to 6 decimals could in principle
 * fold a thin sliver onto itself, so the builder runs this on its final output.
 */
import type { MultiPolygon, Pt, Ring } from './polygon-ops';

function orient(a: Pt, b: Pt, c: Pt): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Pt, b: Pt, p: Pt): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsMeet(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

interface Seg { a: Pt; b: Pt; ring: number; idx: number; n: number; minX: number; maxX: number; minY: number; maxY: number }

function segmentsOf(rings: Ring[]): Seg[] {
  const segs: Seg[] = [];
  rings.forEach((r, ri) => {
    for (let i = 0; i + 1 < r.length; i++) {
      const a = r[i];
      const b = r[i + 1];
      if (!a || !b) continue;
      segs.push({ a, b, ring: ri, idx: i, n: r.length - 1, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]), minY: Math.min(a[1], b[1]), maxY: Math.max(a[1], b[1]) });
    }
  });
  // Sorted by minX so the inner loop can stop once segments lie wholly to the right.
  return segs.sort((s, t) => s.minX - t.minX);
}

const same = (p: Pt, q: Pt): boolean => p[0] === q[0] && p[1] === q[1];

/**
 * OGC simple features let a hole touch the shell (or another hole) at a single
 * point, and polygon-clipping emits such touches; a shared endpoint between
 * different rings is allowed as long as the segments are not collinear.
 */
function pointTouch(s: Seg, t: Seg): boolean {
  if (s.ring === t.ring) return false;
  const shared = same(s.a, t.a) || same(s.a, t.b) || same(s.b, t.a) || same(s.b, t.b);
  return shared && !(orient(s.a, s.b, t.a) === 0 && orient(s.a, s.b, t.b) === 0);
}

function adjacent(s: Seg, t: Seg): boolean {
  if (s.ring !== t.ring) return false;
  const d = Math.abs(s.idx - t.idx);
  return d === 1 || d === s.n - 1;
}

/** Human-readable problems with a geometry; empty when valid. */
export function geometryProblems(mp: MultiPolygon): string[] {
  const problems: string[] = [];
  mp.forEach((poly, pi) => {
    poly.forEach((ring, ri) => {
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (ring.length < 4) problems.push(`polygon ${pi} ring ${ri}: ${ring.length} positions`);
      if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) problems.push(`polygon ${pi} ring ${ri}: not closed`);
    });
    const segs = segmentsOf(poly);
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (!s) continue;
      for (let j = i + 1; j < segs.length; j++) {
        const t = segs[j];
        if (!t) continue;
        if (t.minX > s.maxX) break;
        if (t.maxY < s.minY || t.minY > s.maxY || adjacent(s, t)) continue;
        if (segmentsMeet(s.a, s.b, t.a, t.b) && !pointTouch(s, t)) {
          problems.push(`polygon ${pi}: edges ${s.ring}:${s.idx} and ${t.ring}:${t.idx} meet at ~${s.a.join(',')}`);
          if (problems.length > 5) return;
        }
      }
    }
  });
  return problems;
}
