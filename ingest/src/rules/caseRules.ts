/**
 * case_deadline (the 四级七天 clock) and red_case (三色管理): one rule object emitting both,
 * over one CaseTracker, because both read the same derived case and a case change should be
 * derived once.
 *
 * case_deadline: limit = limitsWorkingDays[level]; deadline = end of the limit-th working
 * day after the day the case entered its level (workCalendar.ts); yellow once less than
 * approachingWorkingHours of working time remain, red from the deadline. Each level's clock
 * is its own episode: an escalation resolves the old level's warning and starts a new clock;
 * resolution or closure resolves it. Everything is computed from event times and fired by
 * timers at the exact yellow/red instants, so a replay of last week gives last week's
 * warnings, stamped when they fell due.
 *
 * red_case: open and red → one warning until resolved/closed or no longer red; its reason
 * follows the case up the levels.
 */
import type { StoredRecord } from '../records';
import { caseTrackerKinds } from './caseKinds';
import { CaseTracker, type CaseState } from './caseTracker';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { resolveAll, type Rule, type RuleContext } from './types';
import { colourRank } from './warningBook';
import { addWorkingDays, addWorkingTime, dayKeyOf } from './workCalendar';

const HOUR = 3_600_000;

export class CaseRules implements Rule {
  readonly id = 'case_deadline' as const;
  readonly alsoEmits = ['red_case'] as const;
  readonly topics = ['case.status'] as const;
  private readonly tracker = new CaseTracker();
  private readonly dirty = new Set<CaseState>();

  apply(rec: StoredRecord, t: number): void {
    if (rec.topic !== 'case.status') return;
    const s = this.tracker.apply(rec, t);
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

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    const deadlineOn = ctx.config.case_deadline.enabled;
    const redOn = ctx.config.red_case.enabled;
    if (!deadlineOn) resolveAll(ctx, 'case_deadline');
    if (!redOn) resolveAll(ctx, 'red_case');
    for (const s of this.dirty) {
      if (deadlineOn) this.deadline(s, ctx);
      else s.clock = null;
      if (redOn) this.red(s, ctx);
      else s.redClock = null;
      if (!s.d.open && s.clock === null && s.redClock === null) this.tracker.close(s);
    }
    this.dirty.clear();
  }

  private deadline(s: CaseState, ctx: RuleContext): void {
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
    // A different clock (new level, reopened) or a clock no longer due ends the episode.
    if (s.clock !== null && (severity === 0 || s.clock !== d.enteredAt)) {
      ctx.book.resolve('case_deadline', s.id, now);
      s.clock = null;
    }
    if (severity > 0) {
      const cur = s.clock === null ? undefined : ctx.book.get('case_deadline', s.id);
      if (!cur || severity > colourRank(cur.colour)) {
        const body = {
          colour: severity === 2 ? 'red' as const : 'yellow' as const,
          regionCode: d.gridId, subject: s.id,
          reason: reasons.caseDeadline(gridPlace(ctx.region, d.gridId), d.kind, s.id, d.level, limit, dayKeyOf(deadline - 1, ctx.calendar), severity === 2),
          evidence: [s.id],
          figures: { limitWorkingDays: limit, enteredAt: d.enteredAt, deadline },
        };
        if (!cur) {
          // Due since yellowAt whenever it is found (a late registration, a rebuild): that is the episode's onset.
          ctx.book.raise('case_deadline', s.id, now, body, yellowAt);
          s.clock = d.enteredAt;
        } else {
          ctx.book.update('case_deadline', s.id, now, body);
        }
      }
    }
    const next = !tracked ? null : severity === 0 ? yellowAt : severity === 1 ? deadline : null;
    if (next !== null && next > now && next !== s.wakeAt) {
      s.wakeAt = next;
      ctx.schedule(next, this, s.id);
    }
  }

  private red(s: CaseState, ctx: RuleContext): void {
    const d = s.d;
    const want = d.redSince !== null && caseTrackerKinds(ctx.config.red_case.kinds).has(d.kind);
    if (s.redClock !== null && (!want || s.redClock !== d.redSince)) {
      ctx.book.resolve('red_case', s.id, ctx.now);
      s.redClock = null;
    }
    if (!want) return;
    const body = {
      colour: 'red' as const, regionCode: d.gridId, subject: s.id,
      reason: reasons.redCase(gridPlace(ctx.region, d.gridId), d.kind, s.id, d.level),
      evidence: [s.id], figures: { redSince: d.redSince! },
    };
    if (s.redClock === null) {
      // Red since the change that made it so, whenever the engine learnt of it.
      ctx.book.raise('red_case', s.id, ctx.now, body, d.redSince!);
      s.redClock = d.redSince;
    } else {
      ctx.book.update('red_case', s.id, ctx.now, body); // the level moved: the reason names the new one
    }
  }
}
