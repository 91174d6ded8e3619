/**
 * Grid choropleth of the last 24 h of calls, as counts or per 10,000 people. The polygon
 * data is the region's (stable identity); only the colours recompute, and only when the
 * per-grid counts object changes (the reducer keeps its identity otherwise).
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import { heat } from '../../wall/theme';
import type { LayerContext, WallLayerDef } from './types';

const maxCache = new WeakMap<object, Record<string, number>>();

function maxOf(ctx: LayerContext): number {
  const key = ctx.state.gridCalls;
  let m = maxCache.get(key);
  if (!m) {
    let count = 0;
    let rate = 0;
    for (const [g, n] of Object.entries(key)) {
      count = Math.max(count, n);
      const pop = ctx.region.gridPopulation.get(g);
      if (pop) rate = Math.max(rate, (n / pop) * 10_000);
    }
    m = { count, rate };
    maxCache.set(key, m);
  }
  return m[ctx.metric] ?? 0;
}

export function gridValue(ctx: Pick<LayerContext, 'state' | 'region' | 'metric'>, gridId: string): number {
  const n = ctx.state.gridCalls[gridId] ?? 0;
  if (ctx.metric === 'count') return n;
  const pop = ctx.region.gridPopulation.get(gridId);
  return pop ? (n / pop) * 10_000 : 0;
}

export const gridHeatLayer: WallLayerDef = {
  id: 'grid-heat',
  label: strings.map.gridHeat,
  defaultVisible: true,
  build(ctx) {
    const max = maxOf(ctx);
    return new GeoJsonLayer({
      id: 'grid-heat',
      data: ctx.region.grids as never,
      pickable: true,
      stroked: true,
      filled: true,
      lineWidthMinPixels: 0.5,
      getLineColor: (f: { properties: { code: string } }) => (f.properties.code === ctx.focusGridId ? [255, 255, 255, 255] : [80, 150, 230, 90]),
      getLineWidth: (f: { properties: { code: string } }) => (f.properties.code === ctx.focusGridId ? 3 : 1),
      getFillColor: (f: { properties: { code: string } }) => heat(gridValue(ctx, f.properties.code), max),
      updateTriggers: { getFillColor: [ctx.state.gridCalls, ctx.metric], getLineColor: ctx.focusGridId, getLineWidth: ctx.focusGridId },
    });
  },
};
