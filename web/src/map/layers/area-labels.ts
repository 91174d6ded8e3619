/**
 * The names of the next level's areas on the map: the towns at county level, the villages of
 * the selected town, the grids of the selected village (and of a selected grid's village).
 * Each at its area's label point (inside the area, clear of its edges: config's labelPoint).
 */
import { TextLayer } from '@deck.gl/layers';
import { labelPoint } from '@watchfloor/config/region/label-point';
import type { PolygonGeometry } from '@watchfloor/config/region/schema';
import type { WallArea } from '@watchfloor/config/wall';
import type { RegionData } from '../../wall/region-data';
import { LABEL_TEXT } from './label-text';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

export type AreaLabel = { code: string; name: string; position: [number, number] };
export interface AreaLabels { level: 'town' | 'village' | 'grid'; labels: AreaLabel[] }

/** Text size (design px) by what is named: the coarser the area, the larger its name; never below 18. */
const SIZE = { town: 22, village: 20, grid: 18 } as const;

const byRegion = new WeakMap<RegionData, Map<string, AreaLabels>>();
const points = new WeakMap<object, [number, number] | null>();

function label(f: { properties: { code: string; name: string }; geometry: PolygonGeometry }): AreaLabel | null {
  const p = memoOn(points, f, () => labelPoint(f.geometry));
  return p ? { code: f.properties.code, name: f.properties.name, position: p } : null;
}

/** The labels shown with `area` selected (each area's label point computed once, when first shown). */
export function areaLabels(region: RegionData, area: WallArea): AreaLabels {
  const cache = memoOn(byRegion, region, () => new Map<string, AreaLabels>());
  const key = area.level === 'county' ? 'county' : `${area.level}:${area.code}`;
  let hit = cache.get(key);
  if (hit) return hit;
  const village = area.level === 'village' ? area.code : area.level === 'grid' ? region.grids.features.find((f) => f.properties.code === area.code)?.properties.villageCode : undefined;
  hit = area.level === 'county' ? { level: 'town', labels: region.towns.features.map(label).filter((l) => l !== null) }
    : area.level === 'town' ? { level: 'village', labels: region.villages.features.filter((f) => f.properties.townCode === area.code).map(label).filter((l) => l !== null) }
      : { level: 'grid', labels: region.grids.features.filter((f) => f.properties.villageCode === village).map(label).filter((l) => l !== null) };
  cache.set(key, hit);
  return hit;
}

export const areaLabelsLayer: WallLayerDef = {
  id: 'area-labels',
  label: '', // always on: not offered as a toggle
  defaultVisible: true,
  build(ctx) {
    const { level, labels } = areaLabels(ctx.region, ctx.area);
    return new TextLayer<AreaLabel>({
      id: 'area-labels',
      data: labels,
      getPosition: (d) => d.position,
      getText: (d) => d.name,
      getSize: SIZE[level] * ctx.scale,
      getColor: [220, 235, 255, 230],
      ...LABEL_TEXT,
      updateTriggers: { getSize: [level, ctx.scale] },
    });
  },
};
