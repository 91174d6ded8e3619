/**
 * What the case rules know of a case: its own few status changes (a case has about ten in
 * its life), from which the current state is derived by replaying them in time order. So a
 * change that arrives out of order simply lands in its place, and "which level since when"
 * is always what the events say, whatever order they came in.
 *
 * Derived clock: the case entered its current level at the first change of the current run
 * at that level since it was last (re)opened: an escalation starts a new clock, mediating
 * at the same level does not, resolution stops it, a reopening starts it again.
 * A closed case's state is dropped; a tombstone remembers when, so that a late or
 * redelivered older change cannot bring it back to life.
 */
import { CASE_LEVELS, CLOSED_CASE_STATUSES, type CaseLevel, type CaseStatusCode, type EventOf, type Risk } from '@watchfloor/config/contracts';
import type { CaseRecord } from '../records';

type CaseKind = EventOf<'case.status'>['kind'];
/** Tie order for changes stamped with the same instant: the natural order of a case's life. */
const RANK: Record<CaseStatusCode, number> = { registered: 0, reopened: 1, mediating: 2, escalated: 3, resolved: 4, closed: 5 };
const LEVEL_RANK: Record<CaseLevel, number> = Object.fromEntries(CASE_LEVELS.map((l, i) => [l, i])) as Record<CaseLevel, number>;

export interface CaseChange { t: number; status: CaseStatusCode; level: CaseLevel; risk: Risk; kind: CaseKind; gridId: string }

export interface DerivedCase {
  open: boolean;
  level: CaseLevel;
  /** When the current level's clock started (meaningful while open). */
  enteredAt: number;
  risk: Risk;
  /** Since when the case has been continuously open and red, or null. */
  redSince: number | null;
  kind: CaseKind;
  gridId: string;
  lastT: number;
}

export interface CaseState {
  id: string; changes: CaseChange[]; d: DerivedCase;
  /** The clock (enteredAt) of the open deadline warning, and the redSince of the open red-case warning. */
  clock: number | null; redClock: number | null;
  wakeAt: number;
}

/** Keeps the last changes only: enough to derive from, bounded against a runaway feed. */
const MAX_CHANGES = 64;

/** Derives into `out` (reused: one per case, not one per change). */
export function deriveCase(changes: readonly CaseChange[], out?: DerivedCase): DerivedCase {
  let open = false;
  let level: CaseLevel = 'grid';
  let enteredAt = 0;
  let risk: Risk = 'blue';
  let redSince: number | null = null;
  let kind: CaseKind = 'dispute';
  let gridId = '';
  let lastT = -Infinity;
  for (const c of changes) {
    if (CLOSED_CASE_STATUSES.has(c.status)) {
      open = false;
    } else {
      if (!open || c.level !== level) enteredAt = c.t;
      open = true;
    }
    level = c.level;
    risk = c.risk;
    kind = c.kind;
    gridId = c.gridId;
    lastT = c.t;
    if (open && risk === 'red') redSince ??= c.t;
    else redSince = null;
  }
  if (!out) return { open, level, enteredAt, risk, redSince, kind, gridId, lastT };
  out.open = open;
  out.level = level;
  out.enteredAt = enteredAt;
  out.risk = risk;
  out.redSince = redSince;
  out.kind = kind;
  out.gridId = gridId;
  out.lastT = lastT;
  return out;
}

export class CaseTracker {
  readonly cases = new Map<string, CaseState>();
  private readonly tombs = new Map<string, number>();

  /** Adds a change; returns the case touched, or null if the change cannot matter. */
  apply(rec: CaseRecord, t: number): CaseState | null {
    const e = rec.event;
    const tomb = this.tombs.get(e.caseId);
    if (tomb !== undefined) {
      if (t <= tomb) return null;
      this.tombs.delete(e.caseId);
    }
    let s = this.cases.get(e.caseId);
    const c: CaseChange = { t, status: e.status, level: e.level, risk: e.risk, kind: e.kind, gridId: e.gridId };
    if (!s) {
      // A case first seen closed needs no clock at all.
      if (CLOSED_CASE_STATUSES.has(e.status)) {
        this.tombs.set(e.caseId, t);
        return null;
      }
      s = { id: e.caseId, changes: [], d: deriveCase([]), clock: null, redClock: null, wakeAt: -Infinity };
      this.cases.set(e.caseId, s);
    }
    const list = s.changes;
    let i = list.length;
    while (i > 0 && compareCaseChanges(list[i - 1]!, c) > 0) i--;
    const prev = list[i - 1];
    if (prev && compareCaseChanges(prev, c) === 0) return null; // the same change again
    list.splice(i, 0, c);
    if (list.length > MAX_CHANGES) list.splice(0, list.length - MAX_CHANGES);
    deriveCase(list, s.d);
    return s;
  }

  /** Forgets a case that is no longer open and has nothing left to show. */
  close(s: CaseState): void {
    this.cases.delete(s.id);
    this.tombs.set(s.id, s.d.lastT);
  }

  pruneTombs(before: number): void {
    for (const [id, t] of this.tombs) if (t < before) this.tombs.delete(id);
  }

  get size(): number { return this.cases.size + this.tombs.size; }
}

/** The order a case's changes are derived in (time, then the natural order of a case's life). */
export function compareCaseChanges(a: CaseChange, b: CaseChange): number {
  return a.t - b.t || RANK[a.status] - RANK[b.status] || LEVEL_RANK[a.level] - LEVEL_RANK[b.level];
}
