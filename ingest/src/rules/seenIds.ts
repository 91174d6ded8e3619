/**
 * Redelivery guard. The pipeline already drops events the store has seen, but the engine
 * is also fed by warm-up replays and by sources that redeliver after a restart, and a call
 * counted twice would fake a surge. Ids are remembered for as long as an event may still be
 * accepted (the late horizon), so memory is bounded by rate × horizon.
 *
 * Ids are kept in one set per hour of *event time*: a redelivered event has the same time,
 * so only its own hour's set is consulted, and forgetting is dropping whole old sets —
 * no per-id timestamps, no scans.
 */
const SPAN = 3_600_000;

export class SeenIds {
  private readonly gens = new Map<number, Set<string>>();
  private count = 0;

  /** false when the key was already seen (with the same event time). */
  add(key: string, t: number): boolean {
    const g = Math.floor(t / SPAN);
    let set = this.gens.get(g);
    if (!set) {
      set = new Set();
      this.gens.set(g, set);
    }
    if (set.has(key)) return false;
    set.add(key);
    this.count++;
    return true;
  }

  /** Forgets the ids of hours that ended before `before`. */
  prune(before: number): void {
    for (const [g, set] of this.gens) {
      if ((g + 1) * SPAN <= before) {
        this.count -= set.size;
        this.gens.delete(g);
      }
    }
  }

  get size(): number { return this.count; }
}
