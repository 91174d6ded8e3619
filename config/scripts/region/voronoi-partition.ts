/**
 * Seeded Voronoi partitions of a polygon. Every cell is clipped to the region
 * with polygon-clipping, and neighbouring cells share the exact circumcentre
 * vertices d3-delaunay computed once, so the parts tile the region with no
 * gaps or overlaps by construction.
 */
import { Delaunay } from 'd3-delaunay';
import { pointInPolygon } from '../../src/region/geometry';
import { asPolygonGeometry, bbox, intersection, union, type MultiPolygon, type Polygon, type Pt, type Ring } from './polygon-ops';
import { uniformPoints } from './sampling';
import type { Rng } from './seeded-random';

/**
 * Cells are built in a frame where lon is multiplied by kx, so they are round
 * on the ground rather than stretched north–south. The bounds are padded well
 * beyond the region: d3 clips cells to the bounds per cell, and the two copies
 * of an edge crossing the bounds can differ in the last bit — harmless only if
 * that happens outside the region.
 */
function rawCells(region: MultiPolygon, seeds: readonly Pt[], kx: number): { delaunay: Delaunay; cells: Ring[] } {
  const [x0, y0, x1, y1] = bbox(region);
  const pad = Math.max(x1 - x0, y1 - y0);
  const delaunay = Delaunay.from(seeds.map(([x, y]) => [x * kx, y] as const));
  const voronoi = delaunay.voronoi([(x0 - pad) * kx, y0 - pad, (x1 + pad) * kx, y1 + pad]);
  const cells = seeds.map((_, i) => {
    const poly = voronoi.cellPolygon(i);
    if (!poly) throw new Error(`voronoi: seed ${i} has no cell (duplicate seed?)`);
    return poly.map(([x, y]): Pt => [x / kx, y]);
  });
  return { delaunay, cells };
}

/** One part per seed: its Voronoi cell clipped to the region. */
export function voronoiCells(region: MultiPolygon, seeds: readonly Pt[], kx: number): MultiPolygon[] {
  const { cells } = rawCells(region, seeds, kx);
  return cells.map((c) => intersection([[c]], region));
}

export interface GrowAnchor {
  point: Pt;
  /** Relative reach: a part grows at this speed, so a small weight gives a compact part. */
  weight: number;
}

export interface GrowOptions {
  /** Fine cells the region is cut into before they are handed out to anchors; more gives smoother borders. */
  fineSeeds: number;
  /** 0..1: how much each step's cost is jittered, which makes borders wander like real ones. */
  noise: number;
  kx: number;
}

/** Min-heap on (priority, node) — the node tie-break keeps equal priorities deterministic. */
class Heap {
  private items: { p: number; node: number; label: number; len: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i];
    const b = this.items[j];
    if (!a || !b) return false;
    return a.p < b.p || (a.p === b.p && a.node < b.node);
  }
  private swap(i: number, j: number): void {
    const a = this.items[i];
    const b = this.items[j];
    if (!a || !b) return;
    this.items[i] = b;
    this.items[j] = a;
  }
  push(item: { p: number; node: number; label: number; len: number }): void {
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { p: number; node: number; label: number; len: number } | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last) {
      this.items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.less(l, m)) m = l;
        if (r < this.items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** Per-edge jitter from a hash of the edge, so it is the same whichever end the search reaches first. */
function edgeJitter(i: number, j: number, salt: number): number {
  let h = (Math.min(i, j) * 73856093) ^ (Math.max(i, j) * 19349663) ^ salt;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Splits the region into one connected-looking part per anchor. The region is
 * cut into many small Voronoi cells, then the anchors claim cells in a
 * competitive Dijkstra over the cell adjacency (cost = distance / weight), and
 * each part is the union of its cells. Plain Voronoi on the anchors alone would
 * give straight borders and could not keep an urban street compact while its
 * rural neighbours stay large; growing over cells gives both, and since a part
 * only grows through cells it already holds, parts come out contiguous.
 */
export function growPartition(region: MultiPolygon, anchors: readonly GrowAnchor[], rng: Rng, opts: GrowOptions): MultiPolygon[] {
  const seeds: Pt[] = [...anchors.map((a) => a.point), ...uniformPoints(region, opts.fineSeeds, rng)];
  const { delaunay, cells } = rawCells(region, seeds, opts.kx);
  const geom = asPolygonGeometry(region);
  const salt = Math.floor(rng.next() * 2 ** 31);

  // Delaunay edges across a bay of a concave outline would let a part jump
  // the bay; only edges whose midpoint is inside the region count.
  const inside = (i: number, j: number): boolean => {
    const a = seeds[i];
    const b = seeds[j];
    return !!a && !!b && pointInPolygon((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, geom);
  };

  const label = new Int32Array(seeds.length).fill(-1);
  const best = new Float64Array(seeds.length).fill(Infinity);
  const heap = new Heap();
  anchors.forEach((_, k) => heap.push({ p: 0, node: k, label: k, len: 0 }));
  while (heap.size > 0) {
    const it = heap.pop();
    if (!it || label[it.node] !== -1) continue;
    label[it.node] = it.label;
    const here = seeds[it.node];
    const w = anchors[it.label]?.weight ?? 1;
    if (!here) continue;
    for (const nb of delaunay.neighbors(it.node)) {
      if (label[nb] !== -1 || !inside(it.node, nb)) continue;
      const there = seeds[nb];
      if (!there) continue;
      const dx = (there[0] - here[0]) * opts.kx;
      const dy = there[1] - here[1];
      const len = it.len + Math.sqrt(dx * dx + dy * dy) * (1 + opts.noise * (2 * edgeJitter(it.node, nb, salt) - 1));
      const p = len / w;
      if (p < (best[nb] ?? Infinity)) {
        best[nb] = p;
        heap.push({ p, node: nb, label: it.label, len });
      }
    }
  }
  // Cells cut off by the midpoint rule (rare, in narrow necks) join the first
  // labelled neighbour Delaunay lists, sweeping until none is left.
  for (let changed = true; changed; ) {
    changed = false;
    label.forEach((l, node) => {
      if (l !== -1) return;
      for (const nb of delaunay.neighbors(node)) {
        const nl = label[nb] ?? -1;
        if (nl !== -1) {
          label[node] = nl;
          changed = true;
          return;
        }
      }
    });
  }
  if (label.includes(-1)) throw new Error('growPartition: some cells are unreachable');

  return anchors.map((_, k) => {
    const mine: Polygon[] = [];
    cells.forEach((c, i) => {
      if (label[i] === k) mine.push([c]);
    });
    return intersection(union(...mine), region);
  });
}
