/** Units (patrol cars, community officers…) at their last position, coloured by status. */
import { ScatterplotLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import type { WallUnit } from '@watchfloor/config/wall';
import { UNIT } from '../../wall/theme';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

type Row = WallUnit & { id: string };
const rows = new WeakMap<object, Row[]>();

export const unitsLayer: WallLayerDef = {
  id: 'units',
  label: strings.map.units,
  defaultVisible: true,
  build(ctx) {
    const data = memoOn(rows, ctx.state.units, () => Object.entries(ctx.state.units).filter(([, u]) => u.lon !== 0).map(([id, u]) => ({ ...u, id })));
    return new ScatterplotLayer<Row>({
      id: 'units',
      data,
      pickable: true,
      radiusUnits: 'pixels',
      getPosition: (u) => [u.lon, u.lat],
      getRadius: 4 * ctx.scale,
      getFillColor: (u) => UNIT[u.status],
      stroked: true,
      getLineColor: [255, 255, 255, 200],
      lineWidthMinPixels: 1,
    });
  },
};
