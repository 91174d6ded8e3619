/**
 * Points that must provably lie in a given grid. They are drawn inside the
 * grid's *written* (rounded) polygon and rounded themselves before the check,
 * so a reader running point-in-polygon on the committed files gets the same
 * answer the builder did.
 */
import { pointInPolygon } from '../../src/region/geometry';
import type { PolygonGeometry } from '../../src/region/schema';
import { roundPoint, type MultiPolygon, type Pt } from './polygon-ops';
import { randomPointIn } from './sampling';
import type { Rng } from './seeded-random';

export interface PlacedGrid {
  code: string;
  villageCode: string;
  townCode: string;
  population: number;
  kind: 'urban' | 'rural';
  /** Already rounded to the output precision. */
  geometry: MultiPolygon;
  written: PolygonGeometry;
}

export function pointInGrid(grid: PlacedGrid, rng: Rng, decimals: number): Pt {
  for (let tries = 0; tries < 1000; tries++) {
    const p = roundPoint(randomPointIn(grid.geometry, rng), decimals);
    if (pointInPolygon(p[0], p[1], grid.written)) return p;
  }
  throw new Error(`no point found inside grid ${grid.code}`);
}

/** The grid holding a point, searched in file order so ties (never expected) resolve the same way. */
export function gridAt(p: Pt, grids: readonly PlacedGrid[]): PlacedGrid | undefined {
  return grids.find((g) => pointInPolygon(p[0], p[1], g.written));
}
