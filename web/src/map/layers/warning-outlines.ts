/** Grids (and towns) with an active warning, outlined in the warning's colour. */
import { GeoJsonLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import { RISK } from '../../wall/theme';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

type Feature = { properties: { code: string }; geometry: unknown };
const cache = new WeakMap<object, { data: { type: 'FeatureCollection'; features: Feature[] }; features: Feature[]; colour: Map<string, 'red' | 'yellow'> }>();

export const warningOutlinesLayer: WallLayerDef = {
  id: 'warning-outlines',
  label: strings.map.warnings,
  defaultVisible: true,
  build(ctx) {
    const hit = memoOn(cache, ctx.state.warnings, () => {
      const colour = new Map<string, 'red' | 'yellow'>();
      for (const w of Object.values(ctx.state.warnings)) {
        if (colour.get(w.regionCode) !== 'red') colour.set(w.regionCode, w.colour);
      }
      const features = [...ctx.region.grids.features, ...ctx.region.towns.features].filter((f) => colour.has(f.properties.code)) as Feature[];
      // The collection itself is kept too: a new object each build would make deck.gl re-tessellate.
      return { data: { type: 'FeatureCollection', features }, features, colour };
    });
    if (hit.features.length === 0) return null;
    const c = hit.colour;
    return new GeoJsonLayer({
      id: 'warning-outlines',
      data: hit.data as never,
      filled: false,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3 * ctx.scale,
      getLineColor: (f: Feature) => RISK[c.get(f.properties.code) ?? 'yellow'],
      updateTriggers: { getLineColor: c, getLineWidth: ctx.scale },
    });
  },
};
