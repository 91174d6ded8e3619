// polylabel and lineclip ship no types; this declares only the surface label-point.ts uses.
declare module 'polylabel' {
  /** The point of the polygon (outer ring, then holes) farthest from its edges; `distance` is that distance. */
  export default function polylabel(polygon: readonly (readonly (readonly [number, number])[])[], precision?: number): [number, number] & { distance: number };
}
declare module 'lineclip' {
  /** The polygon ring clipped to [minX, minY, maxX, maxY] (Sutherland–Hodgman). */
  export function clipPolygon(points: readonly (readonly [number, number])[], bbox: readonly [number, number, number, number]): [number, number][];
}
