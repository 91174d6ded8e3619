/**
 * Synthetic response units: a 派出所 per town, patrol cars shared out by
 * population, and one 社区民警 and one 调解员 per village/community — the
 * standard 一村（格）一警 staffing the dashboard dispatches from.
 */
import type { Unit } from '../../src/region/schema';
import { roundPoint, type Pt } from './polygon-ops';
import { apportion } from './populations';
import { gridAt, pointInGrid, type PlacedGrid } from './placement';
import type { Rng } from './seeded-random';

export interface UnitTown {
  code: string;
  name: string;
  population: number;
  seat: Pt;
  villages: { code: string; name: string; kind: 'village' | 'community' }[];
}

/** 城关街道 → 城关, 秦东镇 → 秦东: how stations and cars are named locally. */
export function shortTownName(name: string): string {
  return name.replace(/(街道|镇|乡)$/, '');
}

const two = (n: number): string => String(n).padStart(2, '0');

function pickGrid(grids: readonly PlacedGrid[], rng: Rng): PlacedGrid {
  const g = grids[rng.weighted(grids.map((x) => x.population))];
  if (!g) throw new Error('pickGrid: no grids');
  return g;
}

export function buildUnits(towns: readonly UnitTown[], grids: readonly PlacedGrid[], patrolCars: number, rng: Rng, decimals: number): Unit[] {
  const gridsOfTown = (code: string): PlacedGrid[] => grids.filter((g) => g.townCode === code);
  const gridsOfVillage = (code: string): PlacedGrid[] => grids.filter((g) => g.villageCode === code);
  const units: Unit[] = [];

  towns.forEach((t, i) => {
    // The station sits at the seat when the seat is inside one of the town's
    // grids; otherwise (the seat fell on a neighbour's side) in its busiest grid.
    const mine = gridsOfTown(t.code);
    const seat = roundPoint(t.seat, decimals);
    const atSeat = gridAt(seat, mine);
    const busiest = [...mine].sort((a, b) => b.population - a.population)[0];
    const grid = atSeat ?? busiest;
    if (!grid) throw new Error(`town ${t.code} has no grids`);
    const [lon, lat] = atSeat ? seat : pointInGrid(grid, rng, decimals);
    units.push({ id: `U-STA-${two(i + 1)}`, name: `${shortTownName(t.name)}派出所`, kind: 'station', lon, lat, townCode: t.code, gridId: grid.code });
  });

  // Every town keeps at least two cars on the road; the rest follow population.
  const base = Math.min(2, Math.floor(patrolCars / towns.length));
  const cars = apportion(patrolCars - base * towns.length, towns.map((t) => t.population)).map((n) => n + base);
  let carSeq = 0;
  towns.forEach((t, i) => {
    for (let k = 0; k < (cars[i] ?? 0); k++) {
      const grid = pickGrid(gridsOfTown(t.code), rng);
      const [lon, lat] = pointInGrid(grid, rng, decimals);
      carSeq++;
      units.push({ id: `U-CAR-${two(carSeq)}`, name: `${shortTownName(t.name)}巡逻车${two(k + 1)}`, kind: 'patrol_car', lon, lat, townCode: t.code, gridId: grid.code });
    }
  });

  const villages = towns.flatMap((t) => t.villages.map((v) => ({ ...v, townCode: t.code })));
  villages.forEach((v, i) => {
    const grid = pickGrid(gridsOfVillage(v.code), rng);
    const [lon, lat] = pointInGrid(grid, rng, decimals);
    // 社区 have a 社区民警; a 村 has a 驻村民警 — same role, the local title differs.
    const title = v.kind === 'community' ? '民警' : '驻村民警';
    units.push({ id: `U-OFF-${two(i + 1)}`, name: `${v.name}${title}`, kind: 'community_officer', lon, lat, townCode: v.townCode, gridId: grid.code });
  });
  villages.forEach((v, i) => {
    const grid = pickGrid(gridsOfVillage(v.code), rng);
    const [lon, lat] = pointInGrid(grid, rng, decimals);
    units.push({ id: `U-MED-${two(i + 1)}`, name: `${v.name}调解员`, kind: 'mediator', lon, lat, townCode: v.townCode, gridId: grid.code });
  });
  return units;
}
