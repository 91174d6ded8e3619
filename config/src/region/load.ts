/**
 * Loads and validates a region folder (REGION_DIR). Validation happens once at start, so
 * a user's own GeoJSON with a wrong code fails loudly with the file and field named.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  CamerasFile, CountyFile, GridsFile, NeighboursFile, RegionMeta, TownsFile, UnitsFile, VillagesFile,
  type Camera, type Unit,
} from './schema';

function readFile<S extends z.ZodTypeAny>(dir: string, name: string, schema: S): z.infer<S> {
  const file = path.join(dir, name);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`region file ${file}: ${(err as Error).message}`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`region file ${file} does not match its schema: ${first}`);
  }
  return r.data;
}

export function loadRegion(dir: string) {
  const meta = readFile(dir, 'meta.json', RegionMeta);
  const county = readFile(dir, 'county.geojson', CountyFile);
  const neighbours = fs.existsSync(path.join(dir, 'neighbours.geojson'))
    ? readFile(dir, 'neighbours.geojson', NeighboursFile)
    : { type: 'FeatureCollection' as const, features: [] };
  const towns = readFile(dir, 'towns.geojson', TownsFile);
  const villages = readFile(dir, 'villages.geojson', VillagesFile);
  const grids = readFile(dir, 'grids.geojson', GridsFile);
  const cameras = readFile(dir, 'cameras.json', CamerasFile);
  const units = readFile(dir, 'units.json', UnitsFile);

  const townByCode = new Map(towns.features.map((f) => [f.properties.code, f.properties]));
  const villageByCode = new Map(villages.features.map((f) => [f.properties.code, f.properties]));
  const gridById = new Map(grids.features.map((f) => [f.properties.code, f.properties]));
  for (const g of gridById.values()) {
    if (!villageByCode.has(g.villageCode)) throw new Error(`grid ${g.code} names unknown village ${g.villageCode}`);
    if (!townByCode.has(g.townCode)) throw new Error(`grid ${g.code} names unknown town ${g.townCode}`);
  }
  const cameraById = new Map<string, Camera>(cameras.map((c) => [c.id, c]));
  const unitById = new Map<string, Unit>(units.map((u) => [u.id, u]));
  return { dir, meta, county, neighbours, towns, villages, grids, cameras, units, townByCode, villageByCode, gridById, cameraById, unitById };
}

export type Region = ReturnType<typeof loadRegion>;
