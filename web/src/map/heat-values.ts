/**
 * Per-grid values for the choropleth: what (calls, camera alerts, open cases), over which
 * window, as counts or per 10,000 people. Each map is cached on the identity of the state
 * slice it comes from, so an unchanged slice costs nothing on re-render.
 */
import type { HeatSpec, WallState } from '@watchfloor/config/wall';
import type { RegionData } from '../wall/region-data';

// The modes are config's (a wall's address names them too).
export type { HeatMetric, HeatSource, HeatSpec, HeatWindow } from '@watchfloor/config/wall';

const lastHour = new WeakMap<object, { minute: number; values: Record<string, number> }>();
const openCases = new WeakMap<object, Record<string, number>>();

function counts(state: WallState, spec: HeatSpec): Record<string, number> {
  if (spec.source === 'alerts') return state.figures.gridAlerts24h;
  if (spec.source === 'cases') {
    let v = openCases.get(state.cases);
    if (!v) {
      v = {};
      for (const c of Object.values(state.cases)) v[c.gridId] = (v[c.gridId] ?? 0) + 1;
      openCases.set(state.cases, v);
    }
    return v;
  }
  if (spec.window === '7d') return state.figures.gridCalls7d;
  if (spec.window === '24h') return state.gridCalls;
  const minute = Math.floor(state.at / 60_000);
  const hit = lastHour.get(state.incidents);
  if (hit && hit.minute === minute) return hit.values;
  const values: Record<string, number> = {};
  for (const c of state.incidents) {
    if (state.at - c.t > 3_600_000) break; // newest first
    if (c.gridId) values[c.gridId] = (values[c.gridId] ?? 0) + 1;
  }
  lastHour.set(state.incidents, { minute, values });
  return values;
}

export interface HeatValues { get(gridId: string): number; max: number; key: object }

const cache = new WeakMap<object, Map<string, HeatValues>>();

export function heatValues(state: WallState, region: RegionData, spec: HeatSpec): HeatValues {
  const raw = counts(state, spec);
  const specKey = `${spec.source}/${spec.window}/${spec.metric}`;
  let byKey = cache.get(raw);
  if (!byKey) cache.set(raw, (byKey = new Map()));
  const hit = byKey.get(specKey);
  if (hit) return hit;
  const get = (g: string) => {
    const n = raw[g] ?? 0;
    if (spec.metric === 'count') return n;
    const pop = region.gridPopulation.get(g);
    return pop ? (n / pop) * 10_000 : 0;
  };
  let max = 0;
  for (const g of Object.keys(raw)) max = Math.max(max, get(g));
  const v: HeatValues = { get, max, key: raw };
  byKey.set(specKey, v);
  return v;
}
