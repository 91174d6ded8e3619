/** The map's layers, bottom to top. Adding a layer = one module here. */
import { areaLabelsLayer } from './area-labels';
import { camerasLayer } from './cameras';
import { gridHeatLayer } from './grid-heat';
import { incidentPulseLayer } from './incident-pulse';
import { incidentsLayer } from './incidents';
import { neighbourLabelsLayer } from './neighbour-labels';
import { selectedIncidentLayer } from './selected-incident';
import type { WallLayerDef } from './types';
import { unitsLayer } from './units';
import { warningOutlinesLayer } from './warning-outlines';

export const WALL_LAYERS: readonly WallLayerDef[] = [gridHeatLayer, warningOutlinesLayer, camerasLayer, incidentsLayer, incidentPulseLayer, selectedIncidentLayer, unitsLayer, neighbourLabelsLayer, areaLabelsLayer];
export type { LayerContext, WallLayerDef } from './types';
