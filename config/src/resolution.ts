/**
 * 化解率 (resolution rate), defined once for the wall, the summary and the briefing: of the
 * cases first registered in a window, the share whose status at the window's end (their
 * last change before it) is one that ends a case. The wall shows it over the last 30 days.
 */
import { CLOSED_CASE_STATUSES, type CaseStatusCode } from './contracts';

/** Statuses that count a case as 化解 (resolved, or closed after resolution). */
export const RESOLVED_STATUSES: readonly CaseStatusCode[] = [...CLOSED_CASE_STATUSES];

/** The wall's window for 化解率, in days back from now. */
export const WALL_RESOLUTION_WINDOW_DAYS = 30;

export function resolutionRate(identified: number, resolved: number): number | null {
  return identified > 0 ? resolved / identified : null;
}
