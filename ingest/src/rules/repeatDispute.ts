/**
 * repeat_dispute (民转刑 risk): the same caller — matched by the keyed hash of the phone,
 * never the number — or the same spot (within R metres, several callers) reporting disputes
 * again and again within D days. The warning names the grid, never the person.
 *
 * Who catches what: one household calling from one phone is a caller warning; different
 * phones (or no phone) at one spot is a place warning, which therefore requires at least
 * `minDistinctCallers` callers — otherwise every caller warning would come with a twin.
 *
 * State: per caller the dispute calls of the last D days; a spatial hash of the last D days'
 * dispute calls (cells of R metres) and the open place clusters, each anchored at the call
 * that formed it. Calls age out by timers at t + D, which is also when warnings clear.
 */
import type { RepeatDisputeConfig } from '@watchfloor/config/rules';
import type { StoredRecord } from '../records';
import { newEpisode, onsetAt, stepEpisode, type Episode, type Severity } from './episode';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { resolveAll, type Rule, type RuleContext } from './types';

const DAY = 86_400_000;
const M_PER_DEG_LAT = 110_540;
const M_PER_DEG_LON_EQ = 111_320;

interface DCall { t: number; id: string; gridId: string | null; x: number; y: number; caller: string }
/** `endedAt`: when the caller's last episode ended (the next one begins after it). */
interface CallerState { calls: DCall[]; ep: Episode; peak: number; regionCode: string | null; wakeAt: number; endedAt: number }
/** `onset`: the anchor call's time, when the cluster formed by the events' own times. */
interface PlaceState { anchor: DCall; ep: Episode; peak: number; wakeAt: number; onset: number }

export class RepeatDisputeRule implements Rule {
  readonly id = 'repeat_dispute' as const;
  readonly topics = ['police.calls'] as const;
  private readonly callers = new Map<string, CallerState>();
  private readonly cells = new Map<number, DCall[]>();
  /** Open place clusters by the cell of their anchor, so a new call only looks at its neighbourhood. */
  private readonly anchors = new Map<number, Set<string>>();
  private fifo: DCall[] = [];
  private fifoHead = 0;
  private readonly places = new Map<string, PlaceState>();
  private fresh: DCall[] = [];
  private readonly dirtyCallers = new Set<string>();
  private readonly dirtyPlaces = new Set<string>();
  /** Reference latitude of the local projection (the first dispute call's): fine at county scale. */
  private cosLat: number | null = null;
  /** Cell size in metres: the radius when the index was built (a radius change rebuilds it). */
  private cellM = 0;

  apply(rec: StoredRecord, t: number, ctx: RuleContext): void {
    if (rec.topic !== 'police.calls') return;
    const cfg = ctx.config.repeat_dispute;
    if (!cfg.categories.includes(rec.event.category)) return;
    const { lon, lat } = rec.event.location;
    this.cosLat ??= Math.cos((lat * Math.PI) / 180);
    const c: DCall = {
      t, id: rec.event.id, gridId: rec.place.gridId,
      x: lon * M_PER_DEG_LON_EQ * this.cosLat, y: lat * M_PER_DEG_LAT,
      // A call without a number is its own caller: it can join a place cluster, never a caller one.
      caller: rec.callerHash ? `h:${rec.callerHash}` : `anon:${rec.event.id}`,
    };
    if (rec.callerHash) {
      let s = this.callers.get(rec.callerHash);
      if (!s) {
        s = { calls: [], ep: newEpisode(), peak: 0, regionCode: null, wakeAt: -Infinity, endedAt: -Infinity };
        this.callers.set(rec.callerHash, s);
      }
      insertByTime(s.calls, c);
      this.dirtyCallers.add(rec.callerHash);
    }
    this.index(c, cfg.byPlace.radiusMetres);
    this.fifo.push(c);
    this.fresh.push(c);
  }

  wake(key: string): void {
    if (key.startsWith('c:')) this.dirtyCallers.add(key.slice(2));
    else this.dirtyPlaces.add(key.slice(2));
  }

  reconfigure(): void {
    for (const k of this.callers.keys()) this.dirtyCallers.add(k);
    for (const k of this.places.keys()) this.dirtyPlaces.add(k);
  }

  size(): number { return this.callers.size + this.places.size + (this.fifo.length - this.fifoHead); }

  prune(ctx: RuleContext): void {
    const horizon = ctx.now - ctx.config.repeat_dispute.windowDays * DAY;
    while (this.fifoHead < this.fifo.length && this.fifo[this.fifoHead]!.t <= horizon) {
      const c = this.fifo[this.fifoHead++]!;
      const key = this.cellKey(c.x, c.y);
      const cell = this.cells.get(key);
      if (!cell) continue;
      const i = cell.indexOf(c);
      if (i >= 0) cell.splice(i, 1);
      if (cell.length === 0) this.cells.delete(key);
    }
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoHead);
      this.fifoHead = 0;
    }
  }

  evaluate(ctx: RuleContext): void {
    if (this.dirtyCallers.size === 0 && this.dirtyPlaces.size === 0 && this.fresh.length === 0) return;
    const cfg = ctx.config.repeat_dispute;
    if (cfg.byPlace.radiusMetres !== this.cellM) this.reindex(cfg.byPlace.radiusMetres);
    if (!cfg.enabled) {
      resolveAll(ctx, this.id);
      for (const s of this.callers.values()) {
        s.ep = newEpisode();
        s.endedAt = ctx.now;
      }
      this.places.clear();
      this.anchors.clear();
      this.fresh = [];
      this.dirtyCallers.clear();
      this.dirtyPlaces.clear();
      return;
    }
    const severity: Severity = cfg.colour === 'red' ? 2 : 1;
    for (const k of this.dirtyCallers) this.evaluateCaller(k, cfg, severity, ctx);
    this.dirtyCallers.clear();
    this.findClusters(cfg, ctx);
    for (const k of this.dirtyPlaces) this.evaluatePlace(k, cfg, severity, ctx);
    this.dirtyPlaces.clear();
  }

  private evaluateCaller(hash: string, cfg: RepeatDisputeConfig, severity: Severity, ctx: RuleContext): void {
    const s = this.callers.get(hash);
    if (!s) return;
    const now = ctx.now;
    const from = now - cfg.windowDays * DAY;
    while (s.calls.length && s.calls[0]!.t <= from) s.calls.shift();
    const live = s.calls.filter((c) => c.t <= now);
    const n = live.length;
    const on = cfg.byCaller.enabled;
    const step = stepEpisode(s.ep, now, on && n >= cfg.byCaller.minCalls ? severity : 0, !on || n < cfg.byCaller.clearBelow, 0);
    const key = `caller:${hash}`;
    if (step.action === 'raise') {
      // The call that made minCalls within the window, by event time (late calls: episode.ts onsetAt).
      const windowMs = cfg.windowDays * DAY;
      const holds = (tau: number) => live.filter((c) => c.t > tau - windowMs && c.t <= tau).length >= cfg.byCaller.minCalls;
      const onset = onsetAt(live.map((c) => c.t), s.endedAt, now, holds);
      // Named by the grid of the call that tipped it, fixed for the episode.
      s.regionCode = live.filter((c) => c.t <= onset).pop()?.gridId ?? null;
      s.peak = n;
      ctx.book.raise(this.id, key, now, this.callerBody(s, live, cfg, ctx), onset);
    } else if (step.action === 'resolve') {
      ctx.book.resolve(this.id, key, now);
      s.regionCode = null;
      s.endedAt = now;
    } else if (s.ep.open && n > s.peak) {
      s.peak = n;
      ctx.book.update(this.id, key, now, this.callerBody(s, live, cfg, ctx));
    }
    if (s.calls.length === 0 && !s.ep.open) {
      this.callers.delete(hash);
      return;
    }
    const next = s.calls[0] ? s.calls[0].t + cfg.windowDays * DAY : null;
    if (next !== null && next > now && next !== s.wakeAt) {
      s.wakeAt = next;
      ctx.schedule(next, this, `c:${hash}`);
    }
  }

  private callerBody(s: CallerState, live: DCall[], cfg: RepeatDisputeConfig, ctx: RuleContext) {
    const grid = s.regionCode ?? live[live.length - 1]?.gridId ?? ctx.region.countyCode;
    return {
      colour: cfg.colour, regionCode: grid, subject: grid,
      reason: reasons.repeatCaller(gridPlace(ctx.region, grid), cfg.windowDays, live.length),
      evidence: live.map((c) => c.id), figures: { calls: live.length, windowDays: cfg.windowDays, minCalls: cfg.byCaller.minCalls },
    };
  }

  private placeBody(p: PlaceState, calls: DCall[], callers: number, cfg: RepeatDisputeConfig, ctx: RuleContext) {
    const grid = p.anchor.gridId ?? ctx.region.countyCode;
    return {
      colour: cfg.colour, regionCode: grid, subject: grid,
      reason: reasons.repeatPlace(gridPlace(ctx.region, grid), cfg.byPlace.radiusMetres, cfg.windowDays, calls.length, callers),
      evidence: calls.map((c) => c.id),
      figures: { calls: calls.length, callers, radiusMetres: cfg.byPlace.radiusMetres, windowDays: cfg.windowDays },
    };
  }

  /** New calls (sorted, so ties resolve the same way however they arrived) join an open cluster or may found one. */
  private findClusters(cfg: RepeatDisputeConfig, ctx: RuleContext): void {
    if (this.fresh.length === 0) return;
    const fresh = this.fresh.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.fresh = [];
    if (!cfg.byPlace.enabled) return;
    const r2 = cfg.byPlace.radiusMetres ** 2;
    for (const c of fresh) {
      const joined = this.openAnchorsNear(c, r2);
      for (const k of joined) this.dirtyPlaces.add(k);
      if (joined.length) continue;
      if (c.t < ctx.now) {
        this.foundLate(c, cfg, ctx.now);
        continue;
      }
      // Most calls have too few neighbours to matter: count first, gather only when they might.
      if (this.countAround(c, cfg, ctx.now) < cfg.byPlace.minCalls) continue;
      const { n, callers } = this.around(c, cfg, ctx.now);
      if (n >= cfg.byPlace.minCalls && callers >= cfg.byPlace.minDistinctCallers) this.openPlace(c, ctx.now);
    }
  }

  private openPlace(anchor: DCall, onset: number): void {
    this.places.set(anchor.id, { anchor, ep: newEpisode(), peak: 0, wakeAt: -Infinity, onset });
    this.indexAnchor(anchor, true);
    this.dirtyPlaces.add(anchor.id);
  }

  /**
   * A late call may complete a cluster around itself or around a call after it (in event
   * order those were checked without it): the first of them, in event order, whose window as
   * of its own time holds enough calls and callers anchors the cluster, as in a feed in event order.
   */
  private foundLate(c: DCall, cfg: RepeatDisputeConfig, now: number): void {
    const r2 = cfg.byPlace.radiusMetres ** 2;
    for (const x of this.around(c, cfg, now).calls) {
      if (x.t < c.t || (x.t === c.t && x.id < c.id)) continue;
      if (x !== c && this.openAnchorsNear(x, r2).length > 0) continue;
      const { n, callers } = this.around(x, cfg, x.t);
      if (n >= cfg.byPlace.minCalls && callers >= cfg.byPlace.minDistinctCallers) {
        this.openPlace(x, x.t);
        return;
      }
    }
  }

  /** The open place clusters whose anchor lies within the radius of c. */
  private openAnchorsNear(c: DCall, r2: number): string[] {
    const out: string[] = [];
    const cx = Math.floor(c.x / this.cellM);
    const cy = Math.floor(c.y / this.cellM);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const ids = this.anchors.get(cellKeyOf(cx + dx, cy + dy));
        if (!ids) continue;
        for (const k of ids) {
          const p = this.places.get(k);
          if (p && dist2(p.anchor, c) <= r2) out.push(k);
        }
      }
    }
    return out;
  }

  private indexAnchor(c: DCall, add: boolean): void {
    const k = this.cellKey(c.x, c.y);
    let ids = this.anchors.get(k);
    if (add) {
      if (!ids) {
        ids = new Set();
        this.anchors.set(k, ids);
      }
      ids.add(c.id);
    } else if (ids) {
      ids.delete(c.id);
      if (ids.size === 0) this.anchors.delete(k);
    }
  }

  private evaluatePlace(anchorId: string, cfg: RepeatDisputeConfig, severity: Severity, ctx: RuleContext): void {
    const p = this.places.get(anchorId);
    if (!p) return;
    const now = ctx.now;
    const { n, callers, calls } = this.around(p.anchor, cfg, now);
    const on = cfg.byPlace.enabled;
    const hit = on && n >= cfg.byPlace.minCalls && callers >= cfg.byPlace.minDistinctCallers;
    const step = stepEpisode(p.ep, now, hit ? severity : 0, !on || n < cfg.byPlace.clearBelow, 0);
    const key = `place:${anchorId}`;
    if (step.action === 'raise') {
      p.peak = n;
      ctx.book.raise(this.id, key, now, this.placeBody(p, calls, callers, cfg, ctx), Math.min(p.onset, now));
    } else if (step.action === 'resolve') {
      ctx.book.resolve(this.id, key, now);
    } else if (p.ep.open && n > p.peak) {
      p.peak = n;
      ctx.book.update(this.id, key, now, this.placeBody(p, calls, callers, cfg, ctx));
    }
    if (!p.ep.open) {
      this.places.delete(anchorId);
      this.indexAnchor(p.anchor, false);
      return;
    }
    const next = calls[0] ? calls[0].t + cfg.windowDays * DAY : null;
    if (next !== null && next > now && next !== p.wakeAt) {
      p.wakeAt = next;
      ctx.schedule(next, this, `p:${anchorId}`);
    }
  }

  /** How many dispute calls of the window lie within R of c (no allocation). */
  private countAround(c: DCall, cfg: RepeatDisputeConfig, now: number): number {
    const r2 = cfg.byPlace.radiusMetres ** 2;
    const from = now - cfg.windowDays * DAY;
    const cx = Math.floor(c.x / this.cellM);
    const cy = Math.floor(c.y / this.cellM);
    let n = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = this.cells.get(cellKeyOf(cx + dx, cy + dy));
        if (!cell) continue;
        for (const o of cell) if (o.t > from && o.t <= now && dist2(o, c) <= r2) n++;
      }
    }
    return n;
  }

  /** Dispute calls of the window within R of c, sorted by time then id, and how many callers made them. */
  private around(c: DCall, cfg: RepeatDisputeConfig, now: number): { n: number; callers: number; calls: DCall[] } {
    const r2 = cfg.byPlace.radiusMetres ** 2;
    const from = now - cfg.windowDays * DAY;
    const cx = Math.floor(c.x / this.cellM);
    const cy = Math.floor(c.y / this.cellM);
    const calls: DCall[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = this.cells.get(cellKeyOf(cx + dx, cy + dy));
        if (!cell) continue;
        for (const o of cell) {
          if (o.t > from && o.t <= now && dist2(o, c) <= r2) calls.push(o);
        }
      }
    }
    calls.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { n: calls.length, callers: new Set(calls.map((o) => o.caller)).size, calls };
  }

  private cellKey(x: number, y: number): number {
    return cellKeyOf(Math.floor(x / this.cellM), Math.floor(y / this.cellM));
  }

  private index(c: DCall, radius: number): void {
    if (this.cellM !== radius) this.reindex(radius);
    const k = this.cellKey(c.x, c.y);
    const cell = this.cells.get(k);
    if (cell) cell.push(c);
    else this.cells.set(k, [c]);
  }

  private reindex(radius: number): void {
    this.cellM = radius;
    this.cells.clear();
    this.anchors.clear();
    for (const p of this.places.values()) this.indexAnchor(p.anchor, true);
    for (let i = this.fifoHead; i < this.fifo.length; i++) {
      const c = this.fifo[i]!;
      const k = this.cellKey(c.x, c.y);
      const cell = this.cells.get(k);
      if (cell) cell.push(c);
      else this.cells.set(k, [c]);
    }
  }
}

/** A cell's key as one exact number: cells are ≥ 10 m (config), so |index| < 2^21 anywhere on Earth. */
function cellKeyOf(cx: number, cy: number): number {
  return (cx + 2 ** 22) * 2 ** 23 + (cy + 2 ** 22);
}

function insertByTime(list: DCall[], c: DCall): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.t > c.t || (list[i - 1]!.t === c.t && list[i - 1]!.id > c.id))) i--;
  list.splice(i, 0, c);
}

function dist2(a: DCall, b: DCall): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}
