/** Town names on the map, drawn by deck.gl from the system's CJK font (no glyph server offline). */
import { TextLayer } from '@deck.gl/layers';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

type Label = { name: string; position: [number, number] };
const cache = new WeakMap<object, Label[]>();

export const townLabelsLayer: WallLayerDef = {
  id: 'town-labels',
  label: '', // always on: not offered as a toggle
  defaultVisible: true,
  build(ctx) {
    const data = memoOn(cache, ctx.region.towns, () => ctx.region.towns.features.map((f) => {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : f.geometry.coordinates[0]![0]!;
      const [sx, sy] = ring.reduce(([x, y], [a, b]) => [x + a, y + b], [0, 0]);
      return { name: f.properties.name, position: [sx / ring.length, sy / ring.length] as [number, number] };
    }));
    return new TextLayer<Label>({
      id: 'town-labels',
      data,
      getPosition: (d) => d.position,
      getText: (d) => d.name,
      getSize: 20 * ctx.scale,
      getColor: [220, 235, 255, 230],
      characterSet: 'auto',
      fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
      outlineWidth: 2,
      outlineColor: [5, 13, 36, 255],
      fontSettings: { sdf: true },
    });
  },
};
