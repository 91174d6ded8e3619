/**
 * Seeded randomness. Every simulated hour draws from its own generator, seeded by
 * (seed, stream, hour), so the events of an hour are the same whenever and however often
 * they are generated: a restart regenerates them and the store treats them as redeliveries.
 */
import { mulberry32, type Rng } from '@watchfloor/config/random';

export { mulberry32, type Rng };

/** FNV-1a over the parts: a stable 32-bit seed for a named stream. */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function rngFor(...parts: (string | number)[]): Rng {
  return mulberry32(seedOf(...parts));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function weighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((a, [, w]) => a + w, 0);
  let x = rng() * total;
  for (const [v, w] of entries) {
    x -= w;
    if (x < 0) return v;
  }
  return entries[entries.length - 1]![0];
}

/** Poisson draw (Knuth for small means, normal approximation above 30). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng();
  } while (p > l);
  return k - 1;
}

export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Exponentially distributed duration with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(Math.max(rng(), 1e-12)) * mean;
}
