'use client';
/** The region's layers for the map and the names for panels, fetched once from our own server. */
import { useEffect, useState } from 'react';
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
