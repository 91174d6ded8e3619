/**
 * A small seeded PRNG. Math.random cannot be seeded, and the region files are
 * committed, so regeneration must reproduce them byte for byte from the seed.
 */
import { mulberry32 } from '../../src/random';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  /** An index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number;
  /** An independent stream, so adding draws in one stage does not reshuffle every later stage. */
  fork(label: string): Rng;
}

/** FNV-1a: turns a stage label into a seed offset without any platform-dependent hashing. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    weighted(weights) {
      const total = weights.reduce((s, w) => s + w, 0);
      if (!(total > 0)) throw new Error('weighted(): weights must sum to a positive number');
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    fork: (label) => createRng((seed ^ hashString(label)) >>> 0),
  };
  return rng;
}
