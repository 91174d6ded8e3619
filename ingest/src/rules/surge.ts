/**
 * The shared machinery of the two surge rules (grid_surge, category_surge): per subject a
 * 60-minute sliding count, a 24-hour sliding count, and 4 weeks + 1 day of hourly counts
 * for the hour-of-week baseline; the episode with its hysteresis. Subclasses say what a
 * subject is, where its baseline comes from and how the reason reads.
 *
 * Evaluation instants: each call (the count rises), each hour boundary (the baseline
 * changes and the 24-hour window slides) and, while a warning is open, the minute its
 * oldest call leaves the hour window and the end of a quiet period — so clearing happens
 * at an exact event-time instant, without ticking every minute.
 */
import type { CallCategory } from '@watchfloor/config/contracts';
import type { SurgeWindow } from '@watchfloor/config/rules';
import type { CallRecord, StoredRecord } from '../records';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { colourOf, newEpisode, onsetAt, stepEpisode, type Episode, type Severity } from './episode';
import { insertRecent, resolveAll, type Rule, type RuleContext } from './types';
import { baselinesAt, HOUR, HourRing, MINUTE, newRoll, SlidingCounter, WEEK_HOURS, type BaselineRoll, type Baselines } from './windows';

export interface SurgeSettings {
  enabled: boolean;
  baselineWeeks: number;
  minBaselinePerHour: number;
  quietMinutes: number;
  hour: SurgeWindow;
  day: SurgeWindow;
}

export class SurgeSubject {
  readonly ring = new HourRing();
  readonly minute = new SlidingCounter(60);
  readonly day = new SlidingCounter(24);
  readonly ep: Episode = newEpisode();
  lastHour = -Infinity;
  /** The wake-up already scheduled (to avoid duplicates). */
  tickAt = -Infinity;
  peakRatio = 0;
  cacheHour = Number.NaN;
  /** The rule's history epoch the cache was computed in. */
  cacheEpoch = 0;
  cache: { b: Baselines; fallback: boolean } | null = null;
  /** Rolling state of the baseline sums, so the next hour costs a few reads, not a hundred. */
  readonly roll: BaselineRoll = newRoll();
  /** Newest calls (time, id), for evidence and for finding an episode's onset. */
  readonly recent: { t: number; id: string }[] = [];
  /** `recent` holds every call after this time (older ones were trimmed). */
  completeAfter = -Infinity;
  /** When the last episode ended: the next one begins after it. */
  endedAt = -Infinity;
  constructor(readonly key: string) {}
}

type WindowName = 'hour' | 'day';

/** Calls kept per subject (beyond the evidence): enough to find when an hour's count crossed. */
const RECENT_KEPT = 200;
interface Drive { w: WindowName; count: number; ratio: number; level: Severity }

function level(count: number, baseline: number, w: SurgeWindow): Severity {
  if (!w.enabled) return 0;
  if (count >= Math.max(w.red.minCount, w.red.ratio * baseline)) return 2;
  if (count >= Math.max(w.yellow.minCount, w.yellow.ratio * baseline)) return 1;
  return 0;
}

const belowClear = (count: number, baseline: number, w: SurgeWindow) =>
  !w.enabled || count < Math.max(w.clear.minCount, w.clear.ratio * baseline);

export abstract class SurgeRule implements Rule {
  abstract readonly id: 'grid_surge' | 'category_surge';
  readonly topics = ['police.calls'] as const;
  protected readonly subjects = new Map<string, SurgeSubject>();
  private readonly dirty = new Set<SurgeSubject>();
  /**
   * Bumped when a call lands a week or more back (imported history): hours the baselines
   * have already summed changed, so every cached baseline and rolled day sum is stale.
   */
  private epoch = 0;

  protected abstract settings(ctx: RuleContext): SurgeSettings;
  /** The subject a call counts for, or null. */
  protected abstract subjectOf(rec: CallRecord, ctx: RuleContext): string | null;
  /** Extra counting (e.g. the town ring) for a call of this subject. */
  protected onCount(_rec: CallRecord, _h: number, _ctx: RuleContext): void {}
  /** Baselines at hour h, or null while there is no week of history. */
  protected abstract baselines(s: SurgeSubject, h: number, ctx: RuleContext): { b: Baselines; fallback: boolean } | null;
  /** Whether the subject is evaluated at all under the current config (it is counted regardless, so re-enabling has history). */
  protected watched(_s: SurgeSubject, _ctx: RuleContext): boolean { return true; }
  protected abstract regionCode(s: SurgeSubject, ctx: RuleContext): string;
  protected abstract reason(s: SurgeSubject, w: WindowName, count: number, ratio: number, fallback: boolean, ctx: RuleContext): string;

  apply(rec: StoredRecord, t: number, ctx: RuleContext): void {
    if (rec.topic !== 'police.calls') return;
    const key = this.subjectOf(rec, ctx);
    if (key === null) return;
    let s = this.subjects.get(key);
    if (!s) {
      s = new SurgeSubject(key);
      this.subjects.set(key, s);
    }
    const h = Math.floor(t / HOUR);
    if (h <= Math.floor(ctx.now / HOUR) - WEEK_HOURS) this.epoch++;
    s.ring.add(h);
    s.day.add(h);
    s.minute.add(Math.floor(t / MINUTE));
    s.lastHour = Math.max(s.lastHour, h);
    const dropped = insertRecent(s.recent, { t, id: rec.event.id }, Math.max(ctx.config.engine.maxEvidence, RECENT_KEPT));
    if (dropped > s.completeAfter) s.completeAfter = dropped;
    this.onCount(rec, h, ctx);
    this.dirty.add(s);
  }

  wake(key: string): void {
    const s = this.subjects.get(key);
    if (s) this.dirty.add(s);
  }

  /**
   * At an hour boundary the baselines change and the day window slides. A subject can only
   * start an episode now if a window already holds at least yellow's minCount (counts never
   * rise at a tick), so the quiet majority is skipped.
   */
  hourTick(ctx: RuleContext): void {
    const cfg = this.settings(ctx);
    const h = Math.floor(ctx.now / HOUR);
    const m = Math.floor(ctx.now / MINUTE);
    const minHour = cfg.hour.enabled ? cfg.hour.yellow.minCount : Infinity;
    const minDay = cfg.day.enabled ? cfg.day.yellow.minCount : Infinity;
    for (const s of this.subjects.values()) {
      if (s.ep.open || (s.lastHour >= h - 24 && (s.minute.countAt(m) >= minHour || s.day.countAt(h) >= minDay))) this.dirty.add(s);
    }
  }

  historyChanged(): void { this.reconfigure(); }

  reconfigure(): void {
    for (const s of this.subjects.values()) {
      s.cacheHour = Number.NaN;
      this.dirty.add(s);
    }
  }

  size(): number { return this.subjects.size; }

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    const cfg = this.settings(ctx);
    if (!cfg.enabled) {
      resolveAll(ctx, this.id);
      for (const s of this.dirty) {
        Object.assign(s.ep, newEpisode());
        s.endedAt = ctx.now;
      }
      this.dirty.clear();
      return;
    }
    for (const s of this.dirty) this.evaluateOne(s, cfg, ctx);
    this.dirty.clear();
  }

  private cachedBaselines(s: SurgeSubject, h: number, ctx: RuleContext) {
    if (s.cacheHour !== h || s.cacheEpoch !== this.epoch) {
      if (s.cacheEpoch !== this.epoch) s.roll.h = Number.NaN;
      s.cache = this.baselines(s, h, ctx);
      s.cacheHour = h;
      s.cacheEpoch = this.epoch;
    }
    return s.cache;
  }

  private evaluateOne(s: SurgeSubject, cfg: SurgeSettings, ctx: RuleContext): void {
    const now = ctx.now;
    const h = Math.floor(now / HOUR);
    const m = Math.floor(now / MINUTE);
    const hc = s.minute.countAt(m);
    const dc = s.day.countAt(h);
    const base = this.watched(s, ctx) ? this.cachedBaselines(s, h, ctx) : null;
    let lv: Severity = 0;
    let below = true;
    let drive: Drive | null = null;
    let figures: Record<string, number> = {};
    let onset = now;
    if (base) {
      const bh = Math.max(cfg.minBaselinePerHour, base.b.hour);
      const bd = Math.max(24 * cfg.minBaselinePerHour, base.b.day);
      const lh = level(hc, bh, cfg.hour);
      const ld = level(dc, bd, cfg.day);
      lv = Math.max(lh, ld) as Severity;
      below = belowClear(hc, bh, cfg.hour) && belowClear(dc, bd, cfg.day);
      const rh = hc / bh;
      const rd = dc / bd;
      // The reason quotes the window that is worse: higher level, then higher ratio.
      drive = (!cfg.day.enabled || (cfg.hour.enabled && (lh > ld || (lh === ld && rh >= rd))))
        ? { w: 'hour', count: hc, ratio: rh, level: lh }
        : { w: 'day', count: dc, ratio: rd, level: ld };
      figures = { hourCount: hc, hourBaseline: round3(bh), dayCount: dc, dayBaseline: round3(bd), fallback: base.fallback ? 1 : 0 };
      if (lv > 0 && !s.ep.open) onset = this.onset(s, cfg, bh, bd, dc, now);
    }
    // Unwatched or without history: nothing to raise, and an open episode ends now.
    const step = stepEpisode(s.ep, now, lv, below, base ? cfg.quietMinutes * MINUTE : 0);
    switch (step.action) {
      case 'raise':
        s.peakRatio = drive!.ratio;
        ctx.book.raise(this.id, s.key, now, this.body(s, drive!, base!.fallback, figures, ctx), onset);
        break;
      case 'escalate':
        s.peakRatio = Math.max(s.peakRatio, drive!.ratio);
        ctx.book.update(this.id, s.key, now, this.body(s, drive!, base!.fallback, figures, ctx));
        break;
      case 'resolve':
        ctx.book.resolve(this.id, s.key, now);
        s.endedAt = now;
        break;
      case 'none':
        // The reason tells the worst moment of the episode: refreshed only when it gets worse.
        if (s.ep.open && drive && drive.level > 0 && drive.ratio > s.peakRatio) {
          s.peakRatio = drive.ratio;
          ctx.book.update(this.id, s.key, now, this.body(s, drive, base!.fallback, figures, ctx));
        }
        break;
    }
    if (s.ep.open) {
      // While open, look again when the hour window next loses a call (the day window and the
      // baselines change on the hour, which the hour tick covers) or the quiet period ends.
      const oldest = s.minute.oldestUnit();
      let next = oldest === null ? Infinity : (oldest + 60) * MINUTE;
      if (step.wakeAt !== null && step.wakeAt < next) next = step.wakeAt;
      if (next !== Infinity && next > now && next !== s.tickAt) {
        s.tickAt = next;
        ctx.schedule(next, this, s.key);
      }
    }
  }

  /**
   * The first call of this hour (the baselines hold within it) after the last episode at
   * which a window reached yellow: where late calls put the crossing (episode.ts onsetAt).
   * The hour count at τ is of the kept calls; the day count is today's minus the calls after
   * τ, exact because only instants after which every call is kept are considered.
   */
  private onset(s: SurgeSubject, cfg: SurgeSettings, bh: number, bd: number, dc: number, now: number): number {
    const recent = s.recent;
    const holds = (tau: number) => {
      const m = Math.floor(tau / MINUTE);
      let hour = 0;
      let later = 0;
      for (const c of recent) {
        if (c.t > tau) later++;
        else if (Math.floor(c.t / MINUTE) > m - 60) hour++;
      }
      return level(hour, bh, cfg.hour) > 0 || level(dc - later, bd, cfg.day) > 0;
    };
    const hourStart = Math.floor(now / HOUR) * HOUR;
    return onsetAt(recent.map((c) => c.t), Math.max(s.endedAt, s.completeAfter, hourStart - 1), now, holds);
  }

  private body(s: SurgeSubject, drive: Drive, fallback: boolean, figures: Record<string, number>, ctx: RuleContext) {
    const now = ctx.now;
    const window = drive.w === 'hour' ? HOUR : 24 * HOUR;
    const evidence: string[] = [];
    for (const c of s.recent) if (c.t > now - window && c.t <= now) evidence.push(c.id);
    return {
      colour: colourOf(s.ep.severity),
      regionCode: this.regionCode(s, ctx),
      subject: s.key,
      reason: this.reason(s, drive.w, drive.count, drive.ratio, fallback, ctx),
      evidence,
      figures: { ...figures, ratio: round3(drive.ratio), windowMinutes: window / MINUTE },
    };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** grid_surge: a grid against its own hour-of-week baseline (its town's, scaled, while it has none). */
export class GridSurgeRule extends SurgeRule {
  readonly id = 'grid_surge' as const;
  private readonly towns = new Map<string, HourRing>();
  private townPop: Map<string, number> | null = null;

  protected settings(ctx: RuleContext) { return ctx.config.grid_surge; }

  protected subjectOf(rec: CallRecord, ctx: RuleContext): string | null {
    const g = rec.place.gridId;
    return g && ctx.region.grids.has(g) ? g : null;
  }

  protected override onCount(rec: CallRecord, h: number): void {
    const town = rec.place.townCode;
    if (!town) return;
    let r = this.towns.get(town);
    if (!r) {
      r = new HourRing();
      this.towns.set(town, r);
    }
    r.add(h);
  }

  override reconfigure(): void {
    this.townPop = null;
    super.reconfigure();
  }

  protected baselines(s: SurgeSubject, h: number, ctx: RuleContext) {
    const weeks = ctx.config.grid_surge.baselineWeeks;
    const start = Math.floor(ctx.historyStart / HOUR);
    const g = ctx.region.grids.get(s.key);
    const since = Math.max(start, g?.since !== undefined ? Math.floor(g.since / HOUR) : start);
    const own = baselinesAt(s.ring, h, since, weeks, s.roll);
    if (own) return { b: own, fallback: false };
    if (!g) return null;
    const town = this.towns.get(g.townCode);
    const tb = town ? baselinesAt(town, h, start, weeks) : null;
    if (!tb) return null;
    const share = g.population / (this.townPopulation(ctx).get(g.townCode) ?? g.population);
    return { b: { hour: tb.hour * share, day: tb.day * share }, fallback: true };
  }

  private townPopulation(ctx: RuleContext): Map<string, number> {
    if (!this.townPop) {
      this.townPop = new Map();
      for (const g of ctx.region.grids.values()) this.townPop.set(g.townCode, (this.townPop.get(g.townCode) ?? 0) + g.population);
    }
    return this.townPop;
  }

  protected regionCode(s: SurgeSubject): string { return s.key; }

  protected reason(s: SurgeSubject, w: WindowName, count: number, ratio: number, fallback: boolean, ctx: RuleContext): string {
    return reasons.gridSurge(gridPlace(ctx.region, s.key), w, count, ratio, fallback);
  }
}

/** category_surge: a call category county-wide against its own hour-of-week baseline. */
export class CategorySurgeRule extends SurgeRule {
  readonly id = 'category_surge' as const;

  protected settings(ctx: RuleContext) { return ctx.config.category_surge; }

  protected subjectOf(rec: CallRecord): string | null { return rec.event.category; }

  protected override watched(s: SurgeSubject, ctx: RuleContext): boolean {
    return ctx.config.category_surge.categories.includes(s.key as CallCategory);
  }

  protected baselines(s: SurgeSubject, h: number, ctx: RuleContext) {
    const own = baselinesAt(s.ring, h, Math.floor(ctx.historyStart / HOUR), ctx.config.category_surge.baselineWeeks, s.roll);
    return own ? { b: own, fallback: false } : null;
  }

  protected regionCode(_s: SurgeSubject, ctx: RuleContext): string { return ctx.region.countyCode; }

  protected reason(s: SurgeSubject, w: WindowName, count: number, ratio: number, _fb: boolean, ctx: RuleContext): string {
    return reasons.categorySurge(ctx.region.countyName, s.key as CallCategory, w, count, ratio);
  }
}

