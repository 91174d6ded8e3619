/**
 * The neighbouring counties' names, dimmer than the county's own, each on the part of its
 * polygon the county view shows: its label point within the county's box widened east and
 * west (the map is wider than the county) and narrowed north and south (it is not taller).
 */
import { TextLayer } from '@deck.gl/layers';
import { labelPoint } from '@watchfloor/config/region/label-point';
import type { RegionData } from '../../wall/region-data';
import { LABEL_TEXT } from './label-text';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

type Label = { name: string; position: [number, number] };
const cache = new WeakMap<RegionData, Label[]>();

export function neighbourLabels(region: RegionData): Label[] {
  return memoOn(cache, region, () => {
    const [a, b, c, d] = region.meta.bbox;
    const dx = (c - a) * 0.12;
    const dy = (d - b) * 0.04;
    const box = [a - dx, b + dy, c + dx, d - dy] as const;
    return region.neighbours.features.flatMap((f) => {
      const p = labelPoint(f.geometry, box);
      return p ? [{ name: f.properties.name, position: p }] : [];
    });
  });
}

export const neighbourLabelsLayer: WallLayerDef = {
  id: 'neighbour-labels',
  label: '', // always on: not offered as a toggle
  defaultVisible: true,
  build(ctx) {
    return new TextLayer<Label>({
      id: 'neighbour-labels',
      data: neighbourLabels(ctx.region),
      getPosition: (d) => d.position,
      getText: (d) => d.name,
      getSize: 22 * ctx.scale,
      getColor: [143, 166, 204, 200],
      ...LABEL_TEXT,
      fontWeight: 500,
      updateTriggers: { getSize: ctx.scale },
    });
  },
};
