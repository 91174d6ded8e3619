'use client';
/** The region's layers for the map and the names for panels, fetched once from our own server. */
import { useEffect, useState } from 'react';
import { geometryBBox } from '@watchfloor/config/region/geometry';
import { strings } from '@watchfloor/config/strings';
import type { WallArea } from '@watchfloor/config/wall';
import type { CountyFile, GridsFile, NeighboursFile, RegionMeta, TownsFile, VillagesFile } from '@watchfloor/config/region';

export interface RegionData {
  meta: RegionMeta;
  county: CountyFile;
  neighbours: NeighboursFile;
  towns: TownsFile;
  villages: VillagesFile;
  grids: GridsFile;
  cameras: { id: string; lon: number; lat: number; gridId: string; townCode: string }[];
  townName: Map<string, string>;
  villageName: Map<string, string>;
  /** A grid's name with its village's before it (a grid's own name, 第7网格, repeats in every village). */
  gridName: Map<string, string>;
  gridPopulation: Map<string, number>;
}

async function get<T>(name: string, token: string | null): Promise<T> {
  // The token goes in a header, never the URL: URLs end up in logs and caches. Without one
  // (a signed-in page) the session cookie is the credential.
  const r = await fetch(`/api/region/${name}`, token !== null ? { headers: { authorization: `Bearer ${token}` } } : { credentials: 'same-origin' });
  if (!r.ok) throw new Error(`region ${name}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

export function useRegionData(token: string | null): RegionData | null {
  const [data, setData] = useState<RegionData | null>(null);
  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const load = () => {
      Promise.all([get<RegionMeta>('meta', token), get<CountyFile>('county', token), get<NeighboursFile>('neighbours', token), get<TownsFile>('towns', token),
        get<VillagesFile>('villages', token), get<GridsFile>('grids', token), get<RegionData['cameras']>('cameras', token)])
        .then(([meta, county, neighbours, towns, villages, grids, cameras]) => {
          if (cancelled) return;
          const villageName = new Map(villages.features.map((f) => [f.properties.code, f.properties.name]));
          setData({
            meta, county, neighbours, towns, villages, grids, cameras,
            townName: new Map(towns.features.map((f) => [f.properties.code, f.properties.name])),
            villageName,
            gridName: new Map(grids.features.map((f) => [f.properties.code, `${villageName.get(f.properties.villageCode) ?? ''}${f.properties.name}`])),
            gridPopulation: new Map(grids.features.map((f) => [f.properties.code, f.properties.population])),
          });
        })
        .catch(() => { if (!cancelled) retry = setTimeout(load, 3000); }); // the server may be restarting
    };
    load();
    return () => { cancelled = true; if (retry) clearTimeout(retry); };
  }, [token]);
  return data;
}

/** An area's name: 全县, the town's, the village's, or the grid's own (the breadcrumb shows its village before it). */
export function areaName(region: RegionData, area: WallArea): string {
  if (area.level === 'county') return strings.map.county;
  const name = area.level === 'town' ? region.townName.get(area.code) : area.level === 'village' ? region.villageName.get(area.code)
    : region.grids.features.find((f) => f.properties.code === area.code)?.properties.name;
  return name ?? area.code;
}

/** An area's features on the map, for its box. */
export function areaFeatures(region: RegionData, area: WallArea): { geometry: RegionData['grids']['features'][number]['geometry'] }[] {
  if (area.level === 'county') return region.towns.features;
  const fc = area.level === 'town' ? region.towns : area.level === 'village' ? region.villages : region.grids;
  return fc.features.filter((f) => f.properties.code === area.code);
}

/** An area's box: the county's from the region's meta, else around its features. */
export function areaBBox(region: RegionData, area: WallArea): [number, number, number, number] {
  if (area.level === 'county') return region.meta.bbox;
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of areaFeatures(region, area)) {
    const [a, c, d, e] = geometryBBox(f.geometry);
    b = [Math.min(b[0], a), Math.min(b[1], c), Math.max(b[2], d), Math.max(b[3], e)];
  }
  return b;
}
