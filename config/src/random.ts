/**
 * Seeded randomness shared by the region builder and the simulator: the same seed gives
 * the same county and the same events on every machine.
 */
export type Rng = () => number;

/** mulberry32: tiny, fast, and statistically good enough for synthetic data. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
