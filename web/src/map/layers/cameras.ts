/** Cameras: online (dim), alerting in the last hour (yellow), offline (grey ring). */
import { ScatterplotLayer } from '@deck.gl/layers';
import { strings } from '@watchfloor/config/strings';
import type { RegionData } from '../../wall/region-data';
import { CAMERA } from '../../wall/theme';
import { memoOn } from './memo';
import type { WallLayerDef } from './types';

type Cam = RegionData['cameras'][number];
const alertingCache = new WeakMap<object, Set<string>>();

export const camerasLayer: WallLayerDef = {
  id: 'cameras',
  label: strings.map.cameras,
  defaultVisible: false,
  build(ctx) {
    const alerting = memoOn(alertingCache, ctx.state.alerts, () => new Set(ctx.state.alerts.map((a) => a.cameraId)));
    const off = ctx.state.offlineCameras;
    const al = alerting;
    return new ScatterplotLayer<Cam>({
      id: 'cameras',
      data: ctx.region.cameras,
      pickable: true, // the wall's hover card
      radiusUnits: 'pixels',
      getPosition: (c) => [c.lon, c.lat],
      getRadius: (c) => (al.has(c.id) ? 3.5 : 2) * ctx.scale,
      getFillColor: (c) => (off[c.id] !== undefined ? CAMERA.offline : al.has(c.id) ? CAMERA.alerting : CAMERA.online),
      updateTriggers: { getFillColor: [off, al], getRadius: [al, ctx.scale] },
    });
  },
};
