/** The incident selected on the console, ringed in white over everything else of its kind (the wall selects none). */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { WallCall } from '@watchfloor/config/wall';
import type { WallLayerDef } from './types';

export const selectedIncidentLayer: WallLayerDef = {
  id: 'selected-incident',
  label: '', // follows the selection: not offered as a toggle
  defaultVisible: true,
  build(ctx) {
    const id = ctx.selectedIncidentId;
    if (!id) return null;
    const c = ctx.state.incidents.find((x) => x.id === id);
    if (!c) return null;
    return new ScatterplotLayer<WallCall>({
      id: 'selected-incident',
      data: [c],
      radiusUnits: 'pixels',
      filled: true,
      stroked: true,
      getPosition: (x) => [x.lon, x.lat],
      getRadius: 11 * ctx.scale,
      getFillColor: [255, 255, 255, 40],
      getLineColor: [255, 255, 255, 255],
      lineWidthMinPixels: 3 * ctx.scale,
    });
  },
};
