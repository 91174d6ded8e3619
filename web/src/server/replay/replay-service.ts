/**
 * The server's side of replay: the wall at any past moment, as the nearest keyframe at or
 * before it (the state as of that instant, read from the event tables) plus the deltas since,
 * applied with the shared reducer. Keyframes and the figures of keyframe instants are kept in
 * small LRU caches, so a seek costs at most one keyframe read and 15 minutes of deltas, and
 * playing on through a range reads each keyframe's figures once.
 */
import { FIGURES_CACHE_SIZE, KEYFRAME_CACHE_SIZE, advanceTo, apply, keyframeAt, type ReplayFrame, type WallDelta, type WallFigures, type WallState } from '@watchfloor/config/wall';
import type { Db } from '@watchfloor/ingest/store/db';
import { deltasBetween, stateAt } from '@watchfloor/ingest/store/queries/replay';
import { wallFigures } from '@watchfloor/ingest/store/queries/wall';

/** A bounded map that forgets the least recently used entry; a failed load is not kept. */
class Lru<V> {
  private readonly m = new Map<string, Promise<V>>();
  constructor(private readonly size: number) {}
  get(k: string, load: () => Promise<V>): Promise<V> {
    const hit = this.m.get(k);
    if (hit) {
      this.m.delete(k);
      this.m.set(k, hit);
      return hit;
    }
    const p = load();
    this.m.set(k, p);
    p.catch(() => { if (this.m.get(k) === p) this.m.delete(k); });
    while (this.m.size > this.size) this.m.delete(this.m.keys().next().value!);
    return p;
  }
  get entries(): number { return this.m.size; }
}

export interface ReplayService {
  /** The wall as it stood at `at` (ms). */
  frame(at: number): Promise<ReplayFrame>;
  /** The ordered deltas of (from, to]. */
  deltas(from: number, to: number): Promise<WallDelta[]>;
  /** Keyframes held (for tests and the benchmark). */
  readonly cached: number;
}

/**
 * Late events still land within the rules' late horizon (config/rules/engine.json, 26 h): an
 * instant that recent is cached for a minute at most, anything older for as long as it is used.
 */
const RECENT_MS = 26 * 3_600_000;
const RECENT_TTL_MS = 60_000;
function keyOf(t: number): string {
  const now = Date.now();
  return t > now - RECENT_MS ? `${t}@${Math.floor(now / RECENT_TTL_MS)}` : `${t}`;
}

export function replayService(opts: { db: Db; tz: string; camerasTotal: number; cacheSize?: number }): ReplayService {
  const keyframes = new Lru<WallState>(opts.cacheSize ?? KEYFRAME_CACHE_SIZE);
  const figures = new Lru<WallFigures>(FIGURES_CACHE_SIZE);
  const figuresAt = (at: Date) => figures.get(keyOf(at.getTime()), () => wallFigures(opts.db, at, opts.tz, opts.camerasTotal));
  const keyframe = (k: number) => keyframes.get(keyOf(k), () => stateAt(opts.db, new Date(k), opts.tz, opts.camerasTotal));
  const deltas = (from: number, to: number) => deltasBetween(opts.db, from, to, { tz: opts.tz, camerasTotal: opts.camerasTotal, figuresAt });
  return {
    async frame(at) {
      const k = keyframeAt(at);
      const [base, ds] = await Promise.all([keyframe(k), deltas(k, at)]);
      let s = base;
      for (const d of ds) s = apply(s, d, opts.tz);
      return { at, keyframeAt: k, applied: ds.length, state: advanceTo(s, at) };
    },
    deltas,
    get cached() { return keyframes.entries; },
  };
}
