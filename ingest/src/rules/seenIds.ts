/**
 * Redelivery guard. The pipeline already drops events the store has seen, but the engine
 * is also fed by warm-up replays and by sources that redeliver after a restart, and a call
 * counted twice would fake a surge. Ids are remembered for as long as an event may still be
 * accepted (the late horizon), so memory is bounded by rate × horizon.
 *
 * A key is one event whatever time a re-send carries (a call id re-sent a second later, in
 * another hour, is the same call), so lookup is by key alone. Keys are also filed in one set
 * per hour of *event time* of their first sighting, so forgetting is dropping whole old
 * sets — no per-id timestamps, no scans.
 */
const SPAN = 3_600_000;

export class SeenIds {
  private readonly gens = new Map<number, Set<string>>();
  private readonly keys = new Set<string>();

  /** false when the key was already seen (at any event time still remembered). */
  add(key: string, t: number): boolean {
    if (this.keys.has(key)) return false;
    const g = Math.floor(t / SPAN);
    let set = this.gens.get(g);
    if (!set) {
      set = new Set();
      this.gens.set(g, set);
    }
    set.add(key);
    this.keys.add(key);
    return true;
  }

  /** Forgets the ids of hours that ended before `before`. */
  prune(before: number): void {
    for (const [g, set] of this.gens) {
      if ((g + 1) * SPAN <= before) {
        for (const k of set) this.keys.delete(k);
        this.gens.delete(g);
      }
    }
  }

  get size(): number { return this.keys.size; }
}
