/**
 * The rules engine: stored records in, warning changes out. Pure (no I/O, no wall clock):
 * time is event time, and `sweep(now)` is how the caller tells it what time it is.
 *
 * How it stays exact and cheap:
 *  - Event time, with a watermark. Events are buffered and applied in event-time order up
 *    to the watermark W = (newest event time or sweep time) − reorderSeconds. Timers (window
 *    expiries, deadlines, quiet periods, hour boundaries) sit in the same time line. At each
 *    instant everything due is applied first, then the touched subjects are evaluated. So
 *    the warnings are a function of the events alone: any arrival order within the reorder
 *    allowance, any batching, any sweep cadence gives the same ids, colours and times as
 *    feeding all events sorted — which is what the equivalence test checks.
 *  - Late events (behind W, within lateHorizonHours) still count, but act at W: history
 *    already handed out is not rewritten. Older ones (an import of past weeks) are history:
 *    they feed the baselines and windows the same way, deduplicated over the baselines' span
 *    (HISTORY_DAYS), and move the start of history back if they precede it, so imported weeks
 *    count as they would after a restart. In-horizon processing is untouched by them.
 *  - A warning's id and raisedAt come from the events (the episode's onset), never from the
 *    instant the engine happened to evaluate it: a late event does not give it a second id.
 *    Clock rules know their due instant; threshold rules take the first event instant at which
 *    their measure held (episode.ts onsetAt) from the state they keep. Where that state no
 *    longer holds what a rebuild would see, the onset can only come out later: a surge looks
 *    back within the current hour only (its baseline is per hour), and alerts that already
 *    left their window, cameras already back, are not counted at the earlier instant.
 *  - Bounded state per subject (rings of counters per grid, a few times per case, caller,
 *    camera, incident); nothing rescans history, so cost per event does not grow with it.
 */
import { UNIT_STATUS_MOVES, type Topic } from '@watchfloor/config/contracts';
import type { RuleId, RulesConfig, Warning, WarningChange } from '@watchfloor/config/rules';
import { recordKey, recordTime as recordEventTime, type StoredRecord } from '../records';
import { CameraOnlineRule } from './cameraOnline';
import { CaseRules } from './caseRules';
import { CrowdClusterRule } from './crowdCluster';
import { DispatchDelayRule } from './dispatchDelay';
import { EventQueue, type Queued } from './eventQueue';
import { MinHeap, type Timed } from './heap';
import { withNewGridsSince, type RulesRegion } from './region';
import { RepeatDisputeRule } from './repeatDispute';
import { SeenIds } from './seenIds';
import { CategorySurgeRule, GridSurgeRule } from './surge';
import type { Rule, RuleContext } from './types';
import { WarningBook } from './warningBook';
import { makeWorkCalendar } from './workCalendar';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/**
 * How far back history can matter (baselines look back 4 weeks; one more day covers the
 * 24-hour windows at their start): what a rebuild reads, and the span history events are
 * deduplicated over.
 */
export const HISTORY_DAYS = 29;

/** rule null = the hour boundary tick. */
interface Timer extends Timed { rule: Rule | null; key: string }

export interface RulesEngineOptions {
  region: RulesRegion;
  config: RulesConfig;
  /** The center's time zone (settings TZ_CENTER): working days are its local days. */
  tz: string;
  /**
   * From when the calls fed are complete (a rebuild that loads 29 days of calls but older
   * events of still-open cases passes now − 29 days). Baselines only count weeks after it.
   * Default: the first event's time.
   */
  historyFrom?: number;
}

export interface RulesEngineStats {
  /** Events taken in (after dedupe). */
  events: number;
  duplicates: number;
  /** Arrived behind the watermark but within the late horizon: counted, acting as of then. */
  late: number;
  /** Arrived behind the late horizon (an import of past weeks): fed as history, acting as of then. */
  history: number;
  /** Records no rule looks at (e.g. patrol position pings) or with unreadable times. */
  ignored: number;
  pending: number;
  timers: number;
  openWarnings: number;
  watermark: number | null;
  subjects: Record<RuleId, number>;
}

/** The event time of a stored record, ms (NaN if unreadable). */
export function recordTime(rec: StoredRecord): number {
  return Date.parse(recordEventTime(rec));
}

/** Unit positions pings are most of the unit stream and no rule needs them. */
function relevant(rec: StoredRecord): boolean {
  if (rec.topic !== 'unit.status') return true;
  const move = UNIT_STATUS_MOVES[rec.event.status];
  return !!rec.event.incidentId && (move === 'dispatched' || move === 'en_route' || move === 'on_scene');
}

export class RulesEngine {
  private readonly book: WarningBook;
  private readonly rules: Rule[];
  private readonly byTopic = new Map<Topic, Rule[]>();
  private readonly pending = new EventQueue();
  /** Rules given an event or a timer at the current instant: only they are evaluated. */
  private readonly touched = new Set<Rule>();
  private readonly slot: Queued = { at: 0, t: 0, rec: undefined as unknown as StoredRecord };
  private readonly timers = new MinHeap<Timer>();
  private readonly seen = new Map<Topic, SeenIds>();
  /** Redelivery guard for events behind the late horizon, kept over the history span. */
  private readonly historySeen = new Map<Topic, SeenIds>();
  private readonly ctx: RuleContext;
  private seq = 0;
  private W = -Infinity;
  private maxEventT = -Infinity;
  private lastSweep: number | null = null;
  private started = false;
  private readonly counts = { events: 0, duplicates: 0, late: 0, history: 0, ignored: 0 };

  constructor(private readonly opts: RulesEngineOptions) {
    this.book = new WarningBook(opts.config.engine.maxEvidence);
    this.rules = [
      new GridSurgeRule(), new CategorySurgeRule(), new RepeatDisputeRule(), new CaseRules(),
      new CameraOnlineRule(), new CrowdClusterRule(), new DispatchDelayRule(),
    ];
    for (const r of this.rules) {
      for (const t of r.topics) {
        const list = this.byTopic.get(t) ?? [];
        list.push(r);
        this.byTopic.set(t, list);
      }
    }
    const timers = this.timers;
    const ctx: RuleContext = {
      now: -Infinity,
      historyStart: 0,
      book: this.book,
      region: opts.region,
      config: opts.config,
      calendar: makeWorkCalendar(opts.config.calendar, opts.tz),
      schedule: (at, rule, key) => {
        timers.push({ at: Math.max(at, ctx.now), seq: this.seq++, rule, key });
      },
    };
    this.ctx = ctx;
  }

  /** Takes a batch of stored records (any topics, any order) and returns the warning changes that became due. */
  ingest(records: readonly StoredRecord[]): WarningChange[] {
    const eng = this.ctx.config.engine;
    const horizon = eng.lateHorizonHours * HOUR;
    const future = eng.maxFutureMinutes * MINUTE;
    let oldest = Infinity;
    for (const rec of records) {
      if (!relevant(rec)) {
        this.counts.ignored++;
        continue;
      }
      const t = recordTime(rec);
      if (!Number.isFinite(t)) {
        this.counts.ignored++;
        continue;
      }
      const isHistory = t < this.W - horizon;
      const guards = isHistory ? this.historySeen : this.seen;
      let seen = guards.get(rec.topic);
      if (!seen) {
        seen = new SeenIds();
        guards.set(rec.topic, seen);
      }
      if (!seen.add(recordKey(rec), t)) {
        this.counts.duplicates++;
        continue;
      }
      this.counts.events++;
      if (isHistory) {
        this.counts.history++;
        if (t < oldest) oldest = t;
      } else if (t < this.W) {
        this.counts.late++;
      }
      this.pending.push(Math.max(t, this.W), t, rec);
      // A device with its clock far ahead must not drag the watermark (and so everyone else) into lateness.
      if (eng.advanceOnIngest && (this.lastSweep === null || t <= this.lastSweep + future) && t > this.maxEventT) this.maxEventT = t;
    }
    if (oldest < this.ctx.historyStart) this.extendHistory(oldest);
    this.advance(eng.advanceOnIngest ? this.maxEventT - eng.reorderSeconds * 1000 : this.W);
    return this.book.drain();
  }

  /** The periodic sweep: clocks run out without new events. `now` is the current (event-)time, ms. */
  sweep(now: number): WarningChange[] {
    this.lastSweep = this.lastSweep === null ? now : Math.max(this.lastSweep, now);
    this.advance(now - this.ctx.config.engine.reorderSeconds * 1000);
    return this.book.drain();
  }

  /** A new config (thresholds, calendar…): every subject is re-evaluated at the watermark. */
  setConfig(config: RulesConfig): WarningChange[] {
    this.ctx.config = config;
    this.ctx.calendar = makeWorkCalendar(config.calendar, this.opts.tz);
    this.book.setMaxEvidence(config.engine.maxEvidence);
    this.reevaluateAll();
    return this.book.drain();
  }

  /** A reloaded region: grids that are new from now on get their town's baseline until they have history. */
  setRegion(region: RulesRegion): WarningChange[] {
    this.ctx.region = withNewGridsSince(this.ctx.region, region, Number.isFinite(this.W) ? this.W : 0);
    this.reevaluateAll();
    return this.book.drain();
  }

  /** Records a person's acknowledgement of an open warning (the store keeps it too). */
  acknowledge(id: string, by: string, at: number): WarningChange | null {
    return this.book.acknowledge(id, by, at);
  }

  openWarnings(): Warning[] {
    return this.book.all();
  }

  /** Event time up to which warnings are final, ms (null before the first event). */
  get watermark(): number | null {
    return Number.isFinite(this.W) ? this.W : null;
  }

  stats(): RulesEngineStats {
    const subjects = Object.fromEntries(this.rules.flatMap((r) => [r.id, ...(r.alsoEmits ?? [])].map((id) => [id, r.size()]))) as Record<RuleId, number>;
    return {
      ...this.counts, pending: this.pending.size, timers: this.timers.size, openWarnings: this.book.openCount,
      watermark: this.watermark, subjects,
    };
  }

  /**
   * History older than what the baselines had: they start there now (not before the span a
   * rebuild would read, nor before historyFrom), as they would after a restart. The rules
   * that read it re-evaluate at the watermark.
   */
  private extendHistory(oldest: number): void {
    const floor = Math.max(this.W - HISTORY_DAYS * DAY, this.opts.historyFrom ?? -Infinity);
    const start = Math.max(oldest, floor);
    if (start >= this.ctx.historyStart) return;
    this.ctx.historyStart = start;
    this.ctx.now = this.W;
    for (const r of this.rules) {
      if (!r.historyChanged) continue;
      r.historyChanged(this.ctx);
      this.touched.add(r);
    }
  }

  private reevaluateAll(): void {
    if (!this.started) return;
    this.ctx.now = this.W;
    for (const r of this.rules) r.reconfigure(this.ctx);
    for (const r of this.rules) r.evaluate(this.ctx);
  }

  private advance(target: number): void {
    if (target > this.W) this.W = target;
    const W = this.W;
    const ctx = this.ctx;
    const touched = this.touched;
    for (;;) {
      const tm = this.timers.peek();
      const at = Math.min(this.pending.peekAt(), tm ? tm.at : Infinity);
      if (at > W) break;
      ctx.now = at;
      if (!this.started) {
        // History (for baselines) begins with the first instant; hour ticks from the next boundary.
        this.started = true;
        ctx.historyStart = Math.max(at, this.opts.historyFrom ?? -Infinity);
        this.timers.push({ at: (Math.floor(at / HOUR) + 1) * HOUR, seq: this.seq++, rule: null, key: 'hour' });
      }
      while (this.pending.size > 0 && this.pending.peekAt() === at) {
        const x = this.pending.pop(this.slot);
        const rules = this.byTopic.get(x.rec.topic);
        if (!rules) continue;
        for (const r of rules) {
          r.apply(x.rec, x.t, ctx);
          touched.add(r);
        }
      }
      for (let x = this.timers.peek(); x && x.at === at; x = this.timers.peek()) {
        this.timers.pop();
        if (x.rule) {
          x.rule.wake(x.key, ctx);
          touched.add(x.rule);
        } else {
          this.hourTick();
          for (const r of this.rules) touched.add(r);
        }
      }
      for (const r of touched) r.evaluate(ctx);
      touched.clear();
    }
  }

  private hourTick(): void {
    const ctx = this.ctx;
    for (const r of this.rules) {
      r.hourTick?.(ctx);
      r.prune?.(ctx);
    }
    for (const seen of this.seen.values()) seen.prune(ctx.now - ctx.config.engine.lateHorizonHours * HOUR);
    for (const seen of this.historySeen.values()) seen.prune(ctx.now - HISTORY_DAYS * DAY);
    this.timers.push({ at: ctx.now + HOUR, seq: this.seq++, rule: null, key: 'hour' });
  }
}
