/**
 * case_deadline (the 四级七天 clock) and red_case (三色管理), both over a CaseTracker.
 *
 * case_deadline: limit = limitsWorkingDays[level]; deadline = end of the limit-th working
 * day after the day the case entered its level (workCalendar.ts); yellow once less than
 * approachingWorkingHours of working time remain, red from the deadline. Each level's clock
 * is its own episode: an escalation resolves the old level's warning and starts a new clock;
 * resolution or closure resolves it. Everything is computed from event times and fired by
 * timers at the exact yellow/red instants, so a replay of last week gives last week's
 * warnings, stamped when they fell due.
 *
 * red_case: open and red → one warning until resolved/closed or no longer red.
 */
import type { CaseRecord, StoredRecord } from '../pipeline/types';
import { caseTrackerKinds } from './caseKinds';
import { CaseTracker, type CaseState } from './caseTracker';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { resolveAll, type Rule, type RuleContext } from './types';
import { addWorkingDays, addWorkingTime, dayKeyOf } from './workCalendar';
import { colourRank } from './warningBook';

const HOUR = 3_600_000;

abstract class CaseRule implements Rule {
  abstract readonly id: 'case_deadline' | 'red_case';
  readonly topics = ['case.status'] as const;
  protected readonly tracker = new CaseTracker();
  protected readonly dirty = new Set<CaseState>();

  apply(rec: StoredRecord, t: number): void {
    if (rec.topic !== 'case.status') return;
    const s = this.tracker.apply(rec as CaseRecord, t);
    if (s) this.dirty.add(s);
  }

  wake(key: string): void {
    const s = this.tracker.cases.get(key);
    if (s) this.dirty.add(s);
  }

  reconfigure(): void {
    for (const s of this.tracker.cases.values()) this.dirty.add(s);
  }

  prune(ctx: RuleContext): void {
    this.tracker.pruneTombs(ctx.now - ctx.config.engine.lateHorizonHours * HOUR);
  }

  size(): number { return this.tracker.size; }

  protected abstract enabled(ctx: RuleContext): boolean;
  protected abstract evaluateOne(s: CaseState, ctx: RuleContext): void;

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    if (!this.enabled(ctx)) {
      resolveAll(ctx, this.id);
      for (const s of this.dirty) s.clock = null;
    } else {
      for (const s of this.dirty) this.evaluateOne(s, ctx);
    }
    for (const s of this.dirty) if (!s.d.open && !ctx.book.get(this.id, s.id)) this.tracker.close(s);
    this.dirty.clear();
  }
}

export class CaseDeadlineRule extends CaseRule {
  readonly id = 'case_deadline' as const;

  protected enabled(ctx: RuleContext): boolean { return ctx.config.case_deadline.enabled; }

  protected evaluateOne(s: CaseState, ctx: RuleContext): void {
    const cfg = ctx.config.case_deadline;
    const now = ctx.now;
    const d = s.d;
    const tracked = d.open && caseTrackerKinds(cfg.kinds).has(d.kind);
    let severity = 0;
    let deadline = 0;
    let yellowAt = 0;
    const limit = cfg.limitsWorkingDays[d.level];
    if (tracked) {
      deadline = addWorkingDays(d.enteredAt, limit, ctx.calendar);
      yellowAt = Math.max(d.enteredAt, addWorkingTime(deadline, -cfg.approachingWorkingHours * HOUR, ctx.calendar));
      severity = now >= deadline ? 2 : now >= yellowAt ? 1 : 0;
    }
    const open = ctx.book.get(this.id, s.id);
    // A different clock (new level, reopened) or a clock no longer due ends the episode.
    if (open && (severity === 0 || s.clock !== d.enteredAt)) {
      ctx.book.resolve(this.id, s.id, now);
      s.clock = null;
    }
    if (severity > 0) {
      const body = {
        colour: severity === 2 ? 'red' as const : 'yellow' as const,
        regionCode: d.gridId, subject: s.id,
        reason: reasons.caseDeadline(gridPlace(ctx.region, d.gridId), d.kind, s.id, d.level, limit, dayKeyOf(deadline - 1, ctx.calendar), severity === 2),
        evidence: [s.id],
        figures: { limitWorkingDays: limit, enteredAt: d.enteredAt, deadline },
      };
      const cur = ctx.book.get(this.id, s.id);
      if (!cur) {
        ctx.book.raise(this.id, s.id, now, body);
        s.clock = d.enteredAt;
      } else if (severity > colourRank(cur.colour)) {
        ctx.book.update(this.id, s.id, now, body);
      }
    }
    const next = !tracked ? null : severity === 0 ? yellowAt : severity === 1 ? deadline : null;
    if (next !== null && next > now && next !== s.wakeAt) {
      s.wakeAt = next;
      ctx.schedule(next, this, s.id);
    }
  }
}

export class RedCaseRule extends CaseRule {
  readonly id = 'red_case' as const;

  protected enabled(ctx: RuleContext): boolean { return ctx.config.red_case.enabled; }

  protected evaluateOne(s: CaseState, ctx: RuleContext): void {
    const d = s.d;
    const want = d.redSince !== null && caseTrackerKinds(ctx.config.red_case.kinds).has(d.kind);
    const open = ctx.book.get(this.id, s.id);
    if (open && (!want || s.clock !== d.redSince)) {
      ctx.book.resolve(this.id, s.id, ctx.now);
      s.clock = null;
    }
    if (!want) return;
    const body = {
      colour: 'red' as const, regionCode: d.gridId, subject: s.id,
      reason: reasons.redCase(gridPlace(ctx.region, d.gridId), d.kind, s.id, d.level),
      evidence: [s.id], figures: { redSince: d.redSince! },
    };
    if (!ctx.book.get(this.id, s.id)) {
      ctx.book.raise(this.id, s.id, ctx.now, body);
      s.clock = d.redSince;
    } else {
      ctx.book.update(this.id, s.id, ctx.now, body); // the level moved: the reason names the new one
    }
  }
}
