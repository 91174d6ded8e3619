/**
 * Redelivery guard. The pipeline already drops events the store has seen, but the engine
 * is also fed by warm-up replays and by sources that redeliver after a restart, and a
 * counted call counted twice would fake a surge. Ids are remembered for as long as an
 * event may still be accepted (the late horizon), so memory is bounded by rate × horizon.
 */
export class SeenIds {
  private readonly at = new Map<string, number>();
  private keys: string[] = [];
  private head = 0;

  /** false when the key was already seen. */
  add(key: string, t: number): boolean {
    if (this.at.has(key)) return false;
    this.at.set(key, t);
    this.keys.push(key);
    return true;
  }

  /** Forgets keys of events older than `before` (insertion order approximates time order). */
  prune(before: number): void {
    const keys = this.keys;
    while (this.head < keys.length) {
      const k = keys[this.head]!;
      const t = this.at.get(k);
      if (t !== undefined && t >= before) break;
      this.at.delete(k);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > keys.length) {
      this.keys = keys.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number { return this.at.size; }
}
