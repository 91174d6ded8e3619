/**
 * Grid choropleth: calls (1 h / 24 h / 7 d), camera alerts (24 h) or open cases, as counts
 * or per 10,000 people. The polygons are the region's (stable identity); only the colours
 * recompute, and only when the values object changes.
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import { heat } from '../../wall/theme';
import { heatValues } from '../heat-values';
import type { WallLayerDef } from './types';

export const gridHeatLayer: WallLayerDef = {
  id: 'grid-heat',
  label: strings.map.gridHeat,
  defaultVisible: true,
  build(ctx) {
    const v = heatValues(ctx.state, ctx.region, ctx.heat);
    return new GeoJsonLayer({
      id: 'grid-heat',
      data: ctx.region.grids as never,
      pickable: true,
      stroked: true,
      filled: true,
      lineWidthMinPixels: 0.5,
      getLineColor: (f: { properties: { code: string } }) => (f.properties.code === ctx.focusGridId ? [255, 255, 255, 255] : [80, 150, 230, 90]),
      getLineWidth: (f: { properties: { code: string } }) => (f.properties.code === ctx.focusGridId ? 3 : 1),
      getFillColor: (f: { properties: { code: string } }) => heat(v.get(f.properties.code), v.max),
      updateTriggers: { getFillColor: [v.key, ctx.heat.metric], getLineColor: ctx.focusGridId, getLineWidth: ctx.focusGridId },
    });
  },
};
