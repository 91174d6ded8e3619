/** The contract between the engine and its rules. */
import type { Topic } from '@watchfloor/config/contracts';
import type { RuleId, RulesConfig } from '@watchfloor/config/rules';
import type { StoredRecord } from '../records';
import type { RulesRegion } from './region';
import type { WarningBook } from './warningBook';
import type { WorkCalendar } from './workCalendar';

export interface RuleContext {
  /** The instant being evaluated: an event time or a timer time, never wall-clock time. */
  now: number;
  /** The first instant the engine processed: how much history the baselines can have. */
  historyStart: number;
  readonly book: WarningBook;
  region: RulesRegion;
  config: RulesConfig;
  calendar: WorkCalendar;
  /** Asks for wake(key) at instant `at` (> now). Duplicates are harmless but wasteful. */
  schedule(at: number, rule: Rule, key: string): void;
}

/**
 * A rule keeps bounded state per subject (grid, category, caller, case, camera, incident).
 * The engine calls apply() for each event and wake() for each due timer at an instant, and
 * only then evaluate(): so the order of things due at the same instant never matters.
 */
export interface Rule {
  readonly id: RuleId;
  /** Further rule ids this object raises warnings under (case_deadline also does red_case). */
  readonly alsoEmits?: readonly RuleId[];
  readonly topics: readonly Topic[];
  /** Updates state from one event (time t; t < ctx.now for a late event) and marks subjects to evaluate. */
  apply(rec: StoredRecord, t: number, ctx: RuleContext): void;
  wake(key: string, ctx: RuleContext): void;
  /** Evaluates the marked subjects at ctx.now, raising/updating/resolving warnings. */
  evaluate(ctx: RuleContext): void;
  /** Called at every hour boundary (baselines change); optional. */
  hourTick?(ctx: RuleContext): void;
  /** The start of history moved back (past weeks were imported): baselines change; optional. */
  historyChanged?(ctx: RuleContext): void;
  /** Config or region changed: mark every subject for evaluation. */
  reconfigure(ctx: RuleContext): void;
  /** Drops state that can no longer matter; called hourly. */
  prune?(ctx: RuleContext): void;
  /** Number of subjects held, for stats and the boundedness tests. */
  size(): number;
}

/** Resolves every open warning of a rule (it was switched off). */
export function resolveAll(ctx: RuleContext, rule: RuleId): void {
  for (const [key] of [...ctx.book.openOf(rule)]) ctx.book.resolve(rule, key, ctx.now);
}

/**
 * Inserts (t, id) keeping the list sorted by time then id, and at least the `max` newest
 * entries (trimmed to `max` once it reaches twice that: amortised, no shift per insert).
 * Readers take the newest `max`. Returns the time of the newest entry it dropped (-Infinity
 * if none): the list is complete after that time.
 */
export function insertRecent<T extends { t: number; id: string }>(list: T[], item: T, max: number): number {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.t > item.t || (list[i - 1]!.t === item.t && list[i - 1]!.id > item.id))) i--;
  if (i > 0 && list[i - 1]!.id === item.id && list[i - 1]!.t === item.t) return -Infinity;
  if (i === list.length) list.push(item);
  else list.splice(i, 0, item);
  if (list.length < 2 * max) return -Infinity;
  const dropped = list.splice(0, list.length - max);
  return dropped[dropped.length - 1]!.t;
}
