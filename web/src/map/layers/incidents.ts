/** Live incidents of the last 24 h, coloured by priority; older ones fade. */
import { ScatterplotLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import type { WallCall } from '@watchfloor/config/wall';
import { PRIORITY } from '../../wall/theme';
import type { WallLayerDef } from './types';

export const incidentsLayer: WallLayerDef = {
  id: 'incidents',
  label: strings.map.incidents,
  defaultVisible: true,
  build(ctx) {
    const t0 = ctx.state.at;
    return new ScatterplotLayer<WallCall>({
      id: 'incidents',
      data: ctx.state.incidents,
      pickable: true,
      radiusUnits: 'pixels',
      getPosition: (c) => [c.lon, c.lat],
      getRadius: (c) => (c.priority === 1 ? 5 : 4) * ctx.scale,
      getFillColor: (c) => {
        const [r, g, b] = PRIORITY[c.priority] ?? PRIORITY[3]!;
        const ageH = (t0 - c.t) / 3_600_000;
        return [r, g, b, Math.round(255 * Math.max(0.35, 1 - ageH / 24))];
      },
      stroked: true,
      getLineColor: [5, 13, 36, 255],
      lineWidthMinPixels: 1,
      updateTriggers: { getFillColor: Math.floor(t0 / 600_000), getRadius: ctx.scale },
    });
  },
};
