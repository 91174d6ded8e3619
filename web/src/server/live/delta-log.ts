/** The last N deltas, so a reconnecting screen can be sent exactly what it missed. */
import type { WallDelta } from '@watchfloor/config/wall';

export class DeltaLog {
  private readonly buf: WallDelta[] = [];
  constructor(private readonly capacity: number) {}

  push(d: WallDelta): void {
    this.buf.push(d);
    if (this.buf.length > this.capacity) this.buf.splice(0, this.buf.length - this.capacity);
  }

  /** Deltas after `seq`, or null when the log no longer reaches back that far. */
  since(seq: number): WallDelta[] | null {
    const first = this.buf[0];
    if (!first) return [];
    if (seq < first.seq - 1) return null;
    return this.buf.filter((d) => d.seq > seq);
  }
}
