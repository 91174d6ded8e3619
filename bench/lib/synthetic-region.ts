/**
 * A synthetic region for the wall benchmark, derived (deterministically) from the committed
 * Tongguan one: the real county outline, towns and neighbours are kept; the county is cut
 * into a lattice of rectangular grids (cells whose centre lies inside the outline), the
 * grids are grouped into synthetic villages (lattice blocks of at most 8×8 cells within one
 * town, each village drawn as its cells' bounding rectangle), and cameras are scattered
 * inside grids. Units are copied, their grid re-located in the new lattice.
 *
 * The folder passes `loadRegion(dir)`; nothing in it is real below the town level.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadRegion, pointInPolygon, geometryBBox,
  type Camera, type GridsFile, type PolygonGeometry, type Region, type Unit, type VillagesFile,
} from '@watchfloor/config/region';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { mulberry32 } from '@watchfloor/config/random';

export interface SyntheticRegionOptions {
  grids?: number;
  cameras?: number;
  seed?: number;
  /** Folder to write into (created); default a fresh temp dir. */
  dir?: string;
  /** Region to derive from; default config/regions/tongguan. */
  from?: string;
}

export interface Cell {
  code: string;
  villageCode: string;
  townCode: string;
  population: number;
  /** [minLon, minLat, maxLon, maxLat] */
  box: [number, number, number, number];
}

export interface SyntheticRegion {
  dir: string;
  region: Region;
  cells: Cell[];
  /** Population-weighted pick of a grid, then a point inside it: where synthetic calls happen. */
  randomPoint(rng: () => number): { lon: number; lat: number; gridId: string };
}

const BLOCK = 8; // villages are blocks of at most BLOCK×BLOCK cells (≤ 64 grids, codes -01…-64)
const CAMERA_KINDS: Camera['kind'][] = ['road', 'square', 'river', 'school', 'market', 'village_entrance'];
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function rect([x0, y0, x1, y1]: readonly number[]): PolygonGeometry {
  return { type: 'Polygon', coordinates: [[[x0!, y0!], [x1!, y0!], [x1!, y1!], [x0!, y1!], [x0!, y0!]].map(([x, y]) => [round6(x!), round6(y!)] as [number, number])] };
}

export function makeSyntheticRegion(opts: SyntheticRegionOptions = {}): SyntheticRegion {
  const nGrids = opts.grids ?? 5000;
  const nCameras = opts.cameras ?? 2000;
  const seed = opts.seed ?? 610522;
  const src = loadRegion(opts.from ?? path.join(REPO_ROOT, 'config', 'regions', 'tongguan'));
  const county = src.county.features[0]!.geometry;
  const [bx0, by0, bx1, by1] = geometryBBox(county);
  // Roughly square cells on the ground: a degree of longitude is cos(lat) of a degree of latitude.
  const kx = Math.cos((((by0 + by1) / 2) * Math.PI) / 180);
  const aspect = ((by1 - by0) / ((bx1 - bx0) * kx));

  // Smallest lattice with at least nGrids cell centres inside the county.
  let nx = Math.ceil(Math.sqrt(nGrids / aspect));
  let inside: { i: number; j: number }[] = [];
  let ny = 0;
  for (; ; nx++) {
    ny = Math.round(nx * aspect);
    inside = [];
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const cx = bx0 + ((i + 0.5) * (bx1 - bx0)) / nx;
        const cy = by0 + ((j + 0.5) * (by1 - by0)) / ny;
        if (pointInPolygon(cx, cy, county)) inside.push({ i, j });
      }
    }
    if (inside.length >= nGrids) break;
  }
  // Drop the surplus evenly rather than from one edge.
  const stride = inside.length / nGrids;
  inside = Array.from({ length: nGrids }, (_, k) => inside[Math.floor(k * stride)]!);
  const dx = (bx1 - bx0) / nx;
  const dy = (by1 - by0) / ny;

  const towns = src.towns.features;
  const townCentre = towns.map((t) => {
    const [a, b, c, d] = geometryBBox(t.geometry);
    return [(a + c) / 2, (b + d) / 2] as const;
  });
  const townOf = (x: number, y: number): number => {
    const k = towns.findIndex((t) => pointInPolygon(x, y, t.geometry));
    if (k >= 0) return k;
    let best = 0;
    let bestD = Infinity;
    townCentre.forEach(([tx, ty], n) => {
      const d = (tx - x) ** 2 + (ty - y) ** 2;
      if (d < bestD) { bestD = d; best = n; }
    });
    return best;
  };

  // Group cells into villages: (town, lattice block).
  const rng = mulberry32(seed);
  const groups = new Map<string, { town: number; cells: { i: number; j: number; box: Cell['box'] }[] }>();
  for (const { i, j } of inside) {
    const x0 = bx0 + i * dx;
    const y0 = by0 + j * dy;
    const town = townOf(x0 + dx / 2, y0 + dy / 2);
    const key = `${town}:${Math.floor(i / BLOCK)}:${Math.floor(j / BLOCK)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { town, cells: [] }));
    g.cells.push({ i, j, box: [x0, y0, x0 + dx, y0 + dy] });
  }
  const perTown = new Map<number, number>();
  const villages: VillagesFile['features'] = [];
  const grids: GridsFile['features'] = [];
  const cells: Cell[] = [];
  const cellAt = new Map<string, Cell>();
  for (const g of groups.values()) {
    const t = towns[g.town]!.properties;
    const n = (perTown.get(g.town) ?? 0) + 1;
    perTown.set(g.town, n);
    const villageCode = `${t.code}${String(200 + n).padStart(3, '0')}`;
    const street = t.kind === 'street';
    let vpop = 0;
    let vb: Cell['box'] = [Infinity, Infinity, -Infinity, -Infinity];
    g.cells.forEach((c, k) => {
      // Skewed populations (a few dense grids, many sparse ones), as in a real county.
      const population = Math.round(150 + 2500 * rng() ** 3);
      vpop += population;
      vb = [Math.min(vb[0], c.box[0]), Math.min(vb[1], c.box[1]), Math.max(vb[2], c.box[2]), Math.max(vb[3], c.box[3])];
      const code = `${villageCode}-${String(k + 1).padStart(2, '0')}`;
      const cell: Cell = { code, villageCode, townCode: t.code, population, box: c.box };
      cells.push(cell);
      cellAt.set(`${c.i}:${c.j}`, cell);
      grids.push({
        type: 'Feature',
        properties: { code, name: `第${k + 1}网格`, villageCode, townCode: t.code, population, provenance: 'synthetic', kind: street ? 'urban' : 'rural' },
        geometry: rect(c.box),
      });
    });
    villages.push({
      type: 'Feature',
      properties: { code: villageCode, name: `${t.name}合成${street ? '社区' : '村'}${n}`, townCode: t.code, population: vpop, provenance: 'synthetic', kind: street ? 'community' : 'village' },
      geometry: rect(vb),
    });
  }

  const inCell = (c: Cell, r: () => number) => ({
    lon: round6(c.box[0] + (0.1 + 0.8 * r()) * (c.box[2] - c.box[0])),
    lat: round6(c.box[1] + (0.1 + 0.8 * r()) * (c.box[3] - c.box[1])),
  });
  const townName = new Map(towns.map((t) => [t.properties.code, t.properties.name]));
  const cameras: Camera[] = Array.from({ length: nCameras }, (_, k) => {
    const c = cells[Math.floor(rng() * cells.length)]!;
    const id = `CAM-${String(k + 1).padStart(4, '0')}`;
    const kind = CAMERA_KINDS[k % CAMERA_KINDS.length]!;
    return { id, name: `${townName.get(c.townCode)}-合成-${String(k + 1).padStart(4, '0')}`, ...inCell(c, rng), gridId: c.code, townCode: c.townCode, kind };
  });
  const locate = (lon: number, lat: number) => cellAt.get(`${Math.floor((lon - bx0) / dx)}:${Math.floor((lat - by0) / dy)}`) ?? null;
  const units: Unit[] = src.units.map((u) => {
    const { gridId: _old, ...rest } = u;
    const c = locate(u.lon, u.lat);
    return c ? { ...rest, gridId: c.code } : rest;
  });

  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wf-bench-region-'));
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, data: unknown) => fs.writeFileSync(path.join(dir, name), JSON.stringify(data));
  write('meta.json', {
    ...src.meta,
    name: `${src.meta.name}-bench`,
    sources: [...src.meta.sources, `synthetic (bench/lib/synthetic-region.ts, seed ${seed}): ${nx}×${ny} lattice, ${grids.length} grids in ${villages.length} villages, ${nCameras} cameras`],
    seed,
  });
  write('county.geojson', src.county);
  if (src.neighbours.features.length) write('neighbours.geojson', src.neighbours);
  write('towns.geojson', src.towns);
  write('villages.geojson', { type: 'FeatureCollection', features: villages });
  write('grids.geojson', { type: 'FeatureCollection', features: grids });
  write('cameras.json', cameras);
  write('units.json', units);
  const region = loadRegion(dir);

  // Cumulative population for weighted picks.
  const cum: number[] = [];
  let total = 0;
  for (const c of cells) cum.push((total += c.population));
  const randomPoint = (r: () => number) => {
    const x = r() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    const c = cells[lo]!;
    return { ...inCell(c, r), gridId: c.code };
  };
  return { dir, region, cells, randomPoint };
}
