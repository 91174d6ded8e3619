// d3-delaunay ships no types and @types/d3-delaunay is not a dependency; this
// declares only the surface the region builder uses.
declare module 'd3-delaunay' {
  export class Voronoi {
    /** The cell of point i clipped to the bounds, closed (first = last), or null when degenerate. */
    cellPolygon(i: number): [number, number][] | null;
  }
  export class Delaunay {
    static from(points: ArrayLike<readonly [number, number]>): Delaunay;
    constructor(coords: ArrayLike<number>);
    neighbors(i: number): IterableIterator<number>;
    find(x: number, y: number, i?: number): number;
    voronoi(bounds?: [number, number, number, number]): Voronoi;
  }
}
