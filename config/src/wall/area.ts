/**
 * The wall's drill-down: an area of the region (the county, a town, a village or a grid) and
 * the wall state narrowed to it by the region's hierarchy, so every panel shows the selected
 * area's figures from the same state the county's come from. A call belongs to a town by its
 * own town code (as the store counts it: queries/summary.ts), to a village or grid by its grid.
 */
import type { CaseLevel, Risk } from '../contracts/codes';
import type { WallCall, WallFigures, WallState } from './types';

export type WallArea = { level: 'county' } | { level: 'town' | 'village' | 'grid'; code: string };
export const COUNTY: WallArea = { level: 'county' };

/** The part of a region the narrowing needs: each grid's place in the hierarchy and its population. */
export interface AreaGrids { features: readonly { properties: { code: string; townCode: string; villageCode: string; population: number } }[] }

const DAY = 86_400_000;

/** The grids of an area, or null for the whole county. */
export function gridsOf(grids: AreaGrids, area: WallArea): Set<string> | null {
  if (area.level === 'county') return null;
  const key = area.level === 'town' ? 'townCode' : area.level === 'village' ? 'villageCode' : 'code';
  return new Set(grids.features.filter((f) => f.properties[key] === area.code).map((f) => f.properties.code));
}

function callIn(c: WallCall, area: WallArea, grids: Set<string>): boolean {
  return area.level === 'town' ? c.townCode === area.code : c.gridId !== null && grids.has(c.gridId);
}

function pick<V>(rec: Record<string, V>, keep: (k: string, v: V) => boolean): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of Object.entries(rec)) if (keep(k, v)) out[k] = v;
  return out;
}

/**
 * The state narrowed to an area: its calls (and today's figures recounted from them: the
 * 24 h of calls held always cover today), cases, alerts, warnings (raised on the area or on
 * one of its grids), and the units on its calls or, given a point → grid lookup, standing in it. Figures the state holds only for the county
 * (last week's, the 30-day resolution rate) are not narrowed: `lastWeekKnown` says so.
 */
export function narrowState(s: WallState, grids: AreaGrids, area: WallArea, hourOf: (t: number) => number, gridAt?: (lon: number, lat: number) => string | null): WallState & { lastWeekKnown: boolean } {
  if (area.level === 'county') return { ...s, lastWeekKnown: true };
  const g = gridsOf(grids, area)!;
  const incidents = s.incidents.filter((c) => callIn(c, area, g));
  const f: WallFigures = {
    ...s.figures, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: Array(24).fill(0), callsByHourLastWeek: [], byCategoryToday: {},
    gridCalls7d: pick(s.figures.gridCalls7d, (k) => g.has(k)), gridAlerts24h: pick(s.figures.gridAlerts24h, (k) => g.has(k)),
  };
  for (const c of incidents) {
    if (c.t < f.dayStart || c.t >= f.dayStart + DAY) continue;
    f.callsToday++;
    const h = hourOf(c.t);
    f.callsByHourToday[h] = (f.callsByHourToday[h] ?? 0) + 1;
    f.byCategoryToday[c.category] = (f.byCategoryToday[c.category] ?? 0) + 1;
  }
  const ids = new Set(incidents.map((c) => c.id));
  const held = new Set(s.incidents.map((c) => c.id));
  return {
    ...s, figures: f, incidents, lastWeekKnown: false,
    gridCalls: pick(s.gridCalls, (k) => g.has(k)),
    cases: pick(s.cases, (_, c) => g.has(c.gridId)),
    alerts: s.alerts.filter((a) => a.gridId !== null && g.has(a.gridId)),
    warnings: pick(s.warnings, (_, w) => w.regionCode === area.code || g.has(w.regionCode)),
    // A unit on a call the wall holds belongs to that call's area; any other unit (given gridAt) to
    // the area it stands in — otherwise 可调警力 of a town would always read 0, free units being on no call.
    units: pick(s.units, (_, u) => (u.incidentId !== null && held.has(u.incidentId) ? ids.has(u.incidentId) : gridAt !== undefined && g.has(gridAt(u.lon, u.lat) ?? ''))),
  };
}

export interface AreaFigures {
  population: number;
  calls24h: number;
  per10k: number | null;
  /** The area's daily calls over the last 7 days (its baseline) and per 10,000 people. */
  baselinePerDay: number;
  baselinePer10k: number | null;
  casesByLevel: Partial<Record<CaseLevel, number>>;
  casesByRisk: Partial<Record<Risk, number>>;
  warnings: number;
}

/** The area card's figures, from a state already narrowed to the area (narrowState). */
export function areaFigures(narrowed: WallState, grids: AreaGrids, area: WallArea): AreaFigures {
  const g = gridsOf(grids, area);
  let population = 0;
  for (const f of grids.features) if (g === null || g.has(f.properties.code)) population += f.properties.population;
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const calls24h = sum(narrowed.gridCalls);
  const baselinePerDay = sum(narrowed.figures.gridCalls7d) / 7;
  const per = (n: number) => (population > 0 ? (n / population) * 10_000 : null);
  const casesByLevel: AreaFigures['casesByLevel'] = {};
  const casesByRisk: AreaFigures['casesByRisk'] = {};
  for (const c of Object.values(narrowed.cases)) {
    casesByLevel[c.level] = (casesByLevel[c.level] ?? 0) + 1;
    casesByRisk[c.risk] = (casesByRisk[c.risk] ?? 0) + 1;
  }
  return { population, calls24h, per10k: per(calls24h), baselinePerDay, baselinePer10k: per(baselinePerDay), casesByLevel, casesByRisk, warnings: Object.keys(narrowed.warnings).length };
}

type GridPlace = AreaGrids['features'][number]['properties'];
const LEVEL_KEY = { town: 'townCode', village: 'villageCode', grid: 'code' } as const;

/**
 * Where a click on a grid takes the wall: one level below the selected area when the grid is
 * inside it (county → its town → its village → the grid), else the area at the same level
 * that holds the grid (a click on the next town over goes to that town).
 */
export function drillTarget(area: WallArea, grid: GridPlace): WallArea {
  if (area.level === 'county') return { level: 'town', code: grid.townCode };
  const inside = grid[LEVEL_KEY[area.level]] === area.code;
  const level = !inside ? area.level : area.level === 'town' ? 'village' : 'grid';
  return { level, code: grid[LEVEL_KEY[level]] };
}

/** The areas from the county down to `area` (the breadcrumb); an area the grids do not know ends the trail at the county. */
export function areaTrail(grids: AreaGrids, area: WallArea): WallArea[] {
  if (area.level === 'county') return [COUNTY];
  const g = grids.features.find((f) => f.properties[LEVEL_KEY[area.level]] === area.code)?.properties;
  if (!g) return [COUNTY];
  const out: WallArea[] = [COUNTY, { level: 'town', code: g.townCode }];
  if (area.level !== 'town') out.push({ level: 'village', code: g.villageCode });
  if (area.level === 'grid') out.push({ level: 'grid', code: g.code });
  return out;
}

export function sameArea(a: WallArea, b: WallArea): boolean {
  return a.level === b.level && (a.level === 'county' || (b.level !== 'county' && a.code === b.code));
}
