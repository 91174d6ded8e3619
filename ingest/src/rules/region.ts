/**
 * The slice of the region the rules need (names, populations, camera registry), as plain
 * maps: the engine never touches geometry, and the benchmark can build a 500-grid county
 * without GeoJSON.
 */
import type { Region } from '@watchfloor/config/region';

export interface RulesGrid { name: string; villageCode: string; townCode: string; population: number; /** ms; set for grids added after history began (region reload). */ since?: number }
export interface RulesRegion {
  countyCode: string;
  countyName: string;
  towns: ReadonlyMap<string, { name: string }>;
  villages: ReadonlyMap<string, { name: string; townCode: string }>;
  grids: ReadonlyMap<string, RulesGrid>;
  cameras: ReadonlyMap<string, { townCode: string; gridId: string }>;
}

export function rulesRegionOf(region: Region): RulesRegion {
  const county = region.county.features[0]?.properties;
  return {
    countyCode: county?.code ?? region.meta.code,
    countyName: county?.name ?? region.meta.name,
    towns: new Map(region.towns.features.map((f) => [f.properties.code, { name: f.properties.name }])),
    villages: new Map(region.villages.features.map((f) => [f.properties.code, { name: f.properties.name, townCode: f.properties.townCode }])),
    grids: new Map(region.grids.features.map((f) => [f.properties.code, {
      name: f.properties.name, villageCode: f.properties.villageCode, townCode: f.properties.townCode, population: f.properties.population,
    }])),
    cameras: new Map(region.cameras.map((c) => [c.id, { townCode: c.townCode, gridId: c.gridId }])),
  };
}

/**
 * A region after a reload: grids absent from `prev` are marked new since `at`, so their
 * surge baseline falls back to their town's until they have a week of their own.
 */
export function withNewGridsSince(prev: RulesRegion, next: RulesRegion, at: number): RulesRegion {
  const grids = new Map<string, RulesGrid>();
  for (const [id, g] of next.grids) {
    const old = prev.grids.get(id);
    grids.set(id, old ? { ...g, ...(old.since !== undefined ? { since: old.since } : {}) } : { ...g, since: at });
  }
  return { ...next, grids };
}

/** "秦东镇 东村 第3网格": grid names repeat in every village, so the village is part of the name. */
export function gridPlace(r: RulesRegion, gridId: string): string {
  const g = r.grids.get(gridId);
  if (!g) return gridId;
  const v = r.villages.get(g.villageCode)?.name ?? '';
  const t = r.towns.get(g.townCode)?.name ?? '';
  return [t, v, g.name].filter(Boolean).join(' ');
}

export function townName(r: RulesRegion, townCode: string): string {
  return r.towns.get(townCode)?.name ?? townCode;
}
