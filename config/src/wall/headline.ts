/**
 * The figures a duty room asks for first, derived from the wall state the shared reducer keeps,
 * so the wall, the console and any test compute them the same way.
 */
import type { WallState } from './types';

export interface HeadlineFigures {
  /** Calls of the last 24 h still in state received: nobody dispatched yet. */
  awaitingDispatch: number;
  /** How long the oldest of those has waited at `now`, ms; null when none waits. */
  longestWaitMs: number | null;
  /** Open dispute cases (not resolved or closed) of red risk. */
  redCasesOpen: number;
  /** All open dispute cases. */
  casesOpen: number;
}

export function headlineFigures(s: WallState, now: number): HeadlineFigures {
  let awaitingDispatch = 0;
  let oldest = Infinity;
  for (const c of s.incidents) {
    if (c.state !== 'received') continue;
    awaitingDispatch++;
    if (c.t < oldest) oldest = c.t;
  }
  const cases = Object.values(s.cases);
  return {
    awaitingDispatch,
    // A caller's clock ahead of ours must not show a negative wait.
    longestWaitMs: awaitingDispatch ? Math.max(0, now - oldest) : null,
    redCasesOpen: cases.filter((c) => c.risk === 'red').length,
    casesOpen: cases.length,
  };
}
