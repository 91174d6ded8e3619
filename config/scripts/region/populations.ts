/**
 * Integer population splits that add up exactly, so a grid's people sum to its
 * village's and a village's to its town's — the dashboard totals by summing.
 */
import type { Rng } from './seeded-random';

/**
 * Largest-remainder (Hamilton) apportionment: floors first, then hands the
 * leftover units to the largest fractional parts, ties to the lower index.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!(sum > 0) || weights.length === 0) throw new Error('apportion: need positive weights');
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = exact.map((e, i) => ({ i, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left--;
  }
  return out;
}

export interface GridSizing {
  /** Typical people per grid. */
  mean: number;
  min: number;
  max: number;
}

/**
 * Splits a village's population into grids of roughly `mean` people, every one
 * within [min, max]. The count is chosen first so the average already fits the
 * band; the jitter is then redrawn until no grid falls outside it.
 */
export function splitIntoGrids(population: number, sizing: GridSizing, rng: Rng): number[] {
  const lo = Math.ceil(population / sizing.max);
  const hi = Math.max(lo, Math.floor(population / sizing.min));
  const n = Math.min(hi, Math.max(lo, 1, Math.round(population / sizing.mean)));
  for (let attempt = 0; attempt < 200; attempt++) {
    const parts = apportion(population, Array.from({ length: n }, () => rng.range(0.7, 1.3)));
    if (parts.every((p) => p >= sizing.min && p <= sizing.max)) return parts;
  }
  return apportion(population, Array.from({ length: n }, () => 1));
}
