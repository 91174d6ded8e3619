/**
 * Clipping a Voronoi cell (or a grown part) to a wiggly outline can leave a
 * part in several pieces: a main body plus slivers cut off where the outline
 * doubles back. A village in three pieces is confusing on a map and for
 * dispatch, so every piece but the largest is handed to the neighbouring part
 * it shares most of its border with. The tiling is unchanged — only which part
 * owns the sliver.
 */
import { polygonArea, union, type MultiPolygon, type Polygon } from './polygon-ops';

const key = (x: number, y: number): string => `${x},${y}`;

/**
 * Adjacency by shared vertices: neighbouring parts come from the same Voronoi
 * vertices and the same outline vertices, so a common edge means common
 * coordinates, exactly.
 */
function vertexOwners(parts: readonly MultiPolygon[]): Map<string, Set<number>> {
  const owners = new Map<string, Set<number>>();
  parts.forEach((mp, i) => {
    for (const poly of mp) for (const ring of poly) for (const [x, y] of ring) {
      const k = key(x, y);
      let s = owners.get(k);
      if (!s) owners.set(k, (s = new Set()));
      s.add(i);
    }
  });
  return owners;
}

function bestNeighbour(piece: Polygon, self: number, owners: Map<string, Set<number>>): number | undefined {
  const shared = new Map<number, number>();
  const outer = piece[0] ?? [];
  for (const [x, y] of outer.slice(1)) {
    for (const o of owners.get(key(x, y)) ?? []) if (o !== self) shared.set(o, (shared.get(o) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 1; // a single shared vertex is a corner touch, not a border
  for (const [o, n] of [...shared].sort((a, b) => a[0] - b[0])) {
    if (n > bestCount) {
      best = o;
      bestCount = n;
    }
  }
  return best;
}

export function absorbFragments(input: readonly MultiPolygon[]): MultiPolygon[] {
  const parts = input.map((mp) => [...mp]);
  // A few rounds: a sliver's best neighbour may itself have been a sliver owner.
  for (let round = 0; round < 5; round++) {
    const owners = vertexOwners(parts);
    let moved = false;
    parts.forEach((mp, i) => {
      if (mp.length < 2) return;
      const byArea = mp.map((p, idx) => ({ p, idx, a: polygonArea(p) })).sort((a, b) => b.a - a.a || a.idx - b.idx);
      const keep: Polygon[] = [];
      byArea.forEach(({ p }, rank) => {
        const target = rank === 0 ? undefined : bestNeighbour(p, i, owners);
        const dest = target === undefined ? undefined : parts[target];
        if (target === undefined || !dest) {
          keep.push(p);
          return;
        }
        parts[target] = union(dest, [p]);
        moved = true;
      });
      parts[i] = keep;
    });
    if (!moved) break;
  }
  return parts;
}
