/** Config lists of case kinds as sets, memoised by array identity (a config reload makes new arrays). */
import type { EventOf } from '@watchfloor/config/contracts';

type CaseKind = EventOf<'case.status'>['kind'];
const memo = new WeakMap<readonly CaseKind[], ReadonlySet<CaseKind>>();

export function caseTrackerKinds(kinds: readonly CaseKind[]): ReadonlySet<CaseKind> {
  let s = memo.get(kinds);
  if (!s) {
    s = new Set(kinds);
    memo.set(kinds, s);
  }
  return s;
}
