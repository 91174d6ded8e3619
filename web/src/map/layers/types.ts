/** The contract every map layer module fulfils: one file per layer, listed in index.ts. */
import type { Layer } from '@deck.gl/core';
import type { WallArea, WallState } from '@watchfloor/config/wall';
import type { RegionData } from '../../wall/region-data';
import type { HeatSpec } from '../heat-values';


export interface LayerContext {
  region: RegionData;
  state: WallState;
  heat: HeatSpec;
  /** The wall's clock minus this screen's (a replay's moment minus now): animated layers read the clock themselves. */
  clockOffsetMs: number;
  /** A rendered video's frame time: animated layers hold still on it instead of reading the clock. */
  fixedClockMs: number | null;
  /** Screen pixels per design pixel: markers and labels keep their size relative to the wall. */
  scale: number;
  /** The area selected (drill-down): the labels name the level below it. */
  area: WallArea;
  /** The grid the map is focused on (drill-down), if any. */
  focusGridId: string | null;
  /** The incident the console has selected (a wall call id), if any: the wall never selects. */
  selectedIncidentId?: string | null;
}

export interface WallLayerDef {
  id: string;
  label: string;
  defaultVisible: boolean;
  build(ctx: LayerContext): Layer | null;
}
