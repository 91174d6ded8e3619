/**
 * The buffer of events waiting for the watermark, ordered by processing instant. Events
 * arrive nearly in time order, so the common case is an append (or a short step back) to a
 * sorted array; only an event further out of order than a few dozen places goes to a heap.
 * Popping takes the smaller head of the two. Cheaper than a heap for every event, and never
 * quadratic, whatever order a caller feeds (a DESC query, a shuffled replay).
 */
import type { StoredRecord } from '../records';
import { MinHeap, type Timed } from './heap';

const MAX_STEP_BACK = 32;

export interface Queued { at: number; t: number; rec: StoredRecord }
interface HeapItem extends Timed { t: number; rec: StoredRecord }

export class EventQueue {
  private ats: number[] = [];
  private ts: number[] = [];
  private recs: StoredRecord[] = [];
  private head = 0;
  private readonly heap = new MinHeap<HeapItem>();
  private seq = 0;

  get size(): number { return this.ats.length - this.head + this.heap.size; }

  push(at: number, t: number, rec: StoredRecord): void {
    const ats = this.ats;
    let i = ats.length;
    const stop = Math.max(this.head, i - MAX_STEP_BACK);
    while (i > stop && ats[i - 1]! > at) i--;
    if (i === stop && i > this.head && ats[i - 1]! > at) {
      // Further out of order than a short step back: the heap takes it.
      this.heap.push({ at, seq: this.seq++, t, rec });
    } else if (i === ats.length) {
      ats.push(at);
      this.ts.push(t);
      this.recs.push(rec);
    } else {
      ats.splice(i, 0, at);
      this.ts.splice(i, 0, t);
      this.recs.splice(i, 0, rec);
    }
  }

  /** The earliest instant queued, or Infinity. */
  peekAt(): number {
    const a = this.head < this.ats.length ? this.ats[this.head]! : Infinity;
    const h = this.heap.peek();
    return h && h.at < a ? h.at : a;
  }

  /** Removes the earliest event; call only when size > 0. `out` is reused to avoid allocation. */
  pop(out: Queued): Queued {
    const h = this.heap.peek();
    if (h && (this.head >= this.ats.length || h.at < this.ats[this.head]!)) {
      this.heap.pop();
      out.at = h.at;
      out.t = h.t;
      out.rec = h.rec;
      return out;
    }
    const i = this.head++;
    out.at = this.ats[i]!;
    out.t = this.ts[i]!;
    out.rec = this.recs[i]!;
    this.recs[i] = undefined as unknown as StoredRecord; // let it be collected
    if (this.head > 1024 && this.head * 2 > this.ats.length) {
      this.ats = this.ats.slice(this.head);
      this.ts = this.ts.slice(this.head);
      this.recs = this.recs.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
