/**
 * The committed Tongguan region: schema-valid, internally consistent, and
 * nested the way the dashboard assumes (grid ⊂ village ⊂ town, populations that
 * add up, cameras and units inside the grid they claim).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { geometryBBox, pointInPolygon } from '../../config/src/region/geometry';
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
} from '../../config/src/region/schema';
import { decodeRing } from '../../config/scripts/region/decode-echarts';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'regions', 'tongguan');

function load<S extends z.ZodTypeAny>(file: string, schema: S): z.infer<S> {
  const json: unknown = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
  const parsed = schema.safeParse(json);
  assert.ok(parsed.success, `${file}: ${parsed.success ? '' : parsed.error.message}`);
  return parsed.data;
}

const county = load('county.geojson', CountyFile);
const neighbours = load('neighbours.geojson', NeighboursFile);
const towns = load('towns.geojson', TownsFile);
const villages = load('villages.geojson', VillagesFile);
const grids = load('grids.geojson', GridsFile);
const cameras = load('cameras.json', CamerasFile);
const units = load('units.json', UnitsFile);
const meta = load('meta.json', RegionMeta);

const townByCode = new Map(towns.features.map((f) => [f.properties.code, f]));
const villageByCode = new Map(villages.features.map((f) => [f.properties.code, f]));
const gridByCode = new Map(grids.features.map((f) => [f.properties.code, f]));

function unique(ids: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    assert.ok(!seen.has(id), `duplicate ${what} ${id}`);
    seen.add(id);
  }
}

/** Planar area in square degrees (outer rings minus holes); enough to compare a tiling with its whole. */
function area(g: PolygonGeometry): number {
  const ring = (r: readonly (readonly [number, number])[]): number => {
    let s = 0;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const a = r[i];
      const b = r[j];
      if (a && b) s += (b[0] - a[0]) * (b[1] + a[1]);
    }
    return Math.abs(s / 2);
  };
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.reduce((sum, p) => sum + p.reduce((s, r, i) => s + (i === 0 ? 1 : -1) * ring(r), 0), 0);
}

test('county is the real 潼关县 outline in the right place', () => {
  assert.equal(county.features.length, 1);
  const f = county.features[0];
  assert.ok(f);
  assert.equal(f.properties.code, '610522');
  assert.equal(f.properties.name, '潼关县');
  assert.equal(f.properties.provenance, 'real');
  const [x0, y0, x1, y1] = geometryBBox(f.geometry);
  assert.ok(x0 > 110.1 && x1 < 110.5 && y0 > 34.35 && y1 < 34.7, `bbox ${[x0, y0, x1, y1].join(',')}`);
  const [mx0, my0, mx1, my1] = meta.bbox;
  assert.ok(mx0 <= x0 && my0 <= y0 && mx1 >= x1 && my1 >= y1, 'meta bbox frames the county');
  assert.ok(pointInPolygon(meta.center[0], meta.center[1], f.geometry), 'meta center is inside the county');
  assert.equal(meta.code, '610522');
});

test('neighbours are real outlines', () => {
  assert.ok(neighbours.features.length >= 3);
  for (const n of neighbours.features) assert.equal(n.properties.provenance, 'real');
  assert.ok(neighbours.features.some((n) => n.properties.name === '华阴市'));
});

test('counts and unique ids', () => {
  assert.equal(towns.features.length, 5);
  assert.equal(villages.features.length, 28);
  assert.ok(grids.features.length >= 200 && grids.features.length <= 500, `${grids.features.length} grids`);
  unique(towns.features.map((f) => f.properties.code), 'town');
  unique(villages.features.map((f) => f.properties.code), 'village');
  unique(grids.features.map((f) => f.properties.code), 'grid');
  unique(cameras.map((c) => c.id), 'camera');
  unique(units.map((u) => u.id), 'unit');
});

test('kinds follow the names', () => {
  for (const t of towns.features) assert.equal(t.properties.kind, t.properties.name.endsWith('街道') ? 'street' : 'town', t.properties.name);
  for (const v of villages.features) assert.equal(v.properties.kind, v.properties.name.endsWith('社区') ? 'community' : 'village', v.properties.name);
});

test('hierarchy is consistent', () => {
  for (const t of towns.features) assert.ok(t.properties.code.startsWith('610522'));
  for (const v of villages.features) {
    assert.ok(townByCode.has(v.properties.townCode), `village ${v.properties.code} → unknown town`);
    assert.ok(v.properties.code.startsWith(v.properties.townCode));
  }
  for (const g of grids.features) {
    const v = villageByCode.get(g.properties.villageCode);
    assert.ok(v, `grid ${g.properties.code} → unknown village`);
    assert.equal(g.properties.townCode, v.properties.townCode, `grid ${g.properties.code} town`);
    assert.ok(g.properties.code.startsWith(`${g.properties.villageCode}-`));
  }
});

test('populations add up', () => {
  const byVillage = new Map<string, number>();
  for (const g of grids.features) byVillage.set(g.properties.villageCode, (byVillage.get(g.properties.villageCode) ?? 0) + g.properties.population);
  for (const v of villages.features) assert.equal(byVillage.get(v.properties.code), v.properties.population, v.properties.name);
  const byTown = new Map<string, number>();
  for (const v of villages.features) byTown.set(v.properties.townCode, (byTown.get(v.properties.townCode) ?? 0) + v.properties.population);
  for (const t of towns.features) assert.equal(byTown.get(t.properties.code), t.properties.population, t.properties.name);
  const total = towns.features.reduce((s, t) => s + t.properties.population, 0);
  assert.ok(total > 120_000 && total < 180_000, `total ${total}`);
});

test('towns, villages and grids each tile the county', () => {
  const whole = area(county.features[0]?.geometry ?? { type: 'Polygon', coordinates: [] });
  for (const [name, fc] of [['towns', towns], ['villages', villages], ['grids', grids]] as const) {
    const sum = fc.features.reduce((s, f) => s + area(f.geometry), 0);
    assert.ok(Math.abs(sum - whole) / whole < 1e-6, `${name} cover ${sum} of ${whole}`);
  }
});

test('every camera lies in its grid', () => {
  assert.ok(cameras.length >= 900 && cameras.length <= 1100, `${cameras.length} cameras`);
  for (const c of cameras) {
    const g = gridByCode.get(c.gridId);
    assert.ok(g, `camera ${c.id} → unknown grid ${c.gridId}`);
    assert.equal(c.townCode, g.properties.townCode, `camera ${c.id} town`);
    assert.ok(pointInPolygon(c.lon, c.lat, g.geometry), `camera ${c.id} outside grid ${c.gridId}`);
  }
});

test('units: a station per town, an officer per village, all inside their area', () => {
  const kinds = (k: string) => units.filter((u) => u.kind === k);
  assert.deepEqual(kinds('station').map((u) => u.townCode).sort(), [...townByCode.keys()].sort());
  assert.equal(kinds('community_officer').length, villages.features.length);
  assert.ok(kinds('patrol_car').length >= 10);
  assert.ok(kinds('mediator').length >= villages.features.length * 0.5);
  for (const u of units) {
    const t = townByCode.get(u.townCode);
    assert.ok(t, `unit ${u.id} → unknown town`);
    assert.ok(pointInPolygon(u.lon, u.lat, t.geometry), `unit ${u.id} outside its town`);
    if (u.gridId) {
      const g = gridByCode.get(u.gridId);
      assert.ok(g, `unit ${u.id} → unknown grid`);
      assert.equal(g.properties.townCode, u.townCode);
      assert.ok(pointInPolygon(u.lon, u.lat, g.geometry), `unit ${u.id} outside grid ${u.gridId}`);
    }
  }
});

test('pointInPolygon handles holes and multipolygons', () => {
  const square = (x: number, y: number, s: number): [number, number][] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
  const withHole: PolygonGeometry = { type: 'Polygon', coordinates: [square(0, 0, 10), square(4, 4, 2)] };
  assert.ok(pointInPolygon(1, 1, withHole));
  assert.ok(!pointInPolygon(5, 5, withHole));
  assert.ok(!pointInPolygon(11, 5, withHole));
  const multi: PolygonGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] };
  assert.ok(pointInPolygon(5.5, 5.5, multi));
  assert.ok(!pointInPolygon(3, 3, multi));
});

test('echarts UTF8-encoded rings decode to the coordinates they encode', () => {
  // The inverse of echarts-mapmaker's encoder: quantise to 1/1024°, delta, zigzag, +64.
  const pts: [number, number][] = [[110.25, 34.5], [110.2509765625, 34.4990234375], [110.2470703125, 34.501953125]];
  const q = pts.map(([x, y]) => [Math.round(x * 1024), Math.round(y * 1024)] as const);
  const origin = q[0] ?? [0, 0];
  let prev: readonly [number, number] = origin;
  let text = '';
  for (const p of q) {
    for (const d of [p[0] - prev[0], p[1] - prev[1]]) text += String.fromCharCode(((d << 1) ^ (d >> 31)) + 64);
    prev = p;
  }
  assert.deepEqual(decodeRing(text, [origin[0], origin[1]], 1024), pts);
});

test('regenerating from the seed reproduces the committed files byte for byte', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'region-'));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'config', 'scripts', 'build-region.ts'), '--out', out], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    for (const file of fs.readdirSync(DIR)) {
      assert.ok(fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(DIR, file))), `${file} differs — rerun npm run region:build`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
