/**
 * The incident queue's order and the ticking wait, as pure functions (unit-tested): the
 * unassigned first, then those being handled; each by priority (1 most urgent), then the
 * longest waiting first. Finished incidents (handled, closed) leave the queue. States are
 * read through the shared sets, so a state added to the model (en route) just appears.
 */
import { ASSIGNABLE_STATES, FINISHED_STATES, type IncidentView } from '@watchfloor/config/dispatch';
import type { WallCall } from '@watchfloor/config/wall';

export interface Queue { unassigned: IncidentView[]; active: IncidentView[] }

const byUrgency = (a: IncidentView, b: IncidentView) => a.priority - b.priority || Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.id.localeCompare(b.id);

export function queueOf(incidents: readonly IncidentView[]): Queue {
  const open = incidents.filter((i) => !FINISHED_STATES.has(i.status));
  return {
    unassigned: open.filter((i) => ASSIGNABLE_STATES.has(i.status)).sort(byUrgency),
    active: open.filter((i) => !ASSIGNABLE_STATES.has(i.status)).sort(byUrgency),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** A wait as a clock: mm:ss under an hour, h:mm from an hour on (a negative wait, a clock skew, reads 00:00). */
export function waitClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 3600) return `${two(Math.floor(s / 60))}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}`;
}

/**
 * The wall's calls carry display references (an id that could carry a phone is hashed), the
 * API the call's own id: the same call is the same id, or else the same received time to the
 * millisecond at the same point.
 */
export function sameCall(i: IncidentView, c: WallCall): boolean {
  return c.id === i.id || (c.t === Date.parse(i.receivedAt) && c.lon === i.lon && c.lat === i.lat);
}

export function wallCallOf(i: IncidentView, calls: readonly WallCall[]): WallCall | undefined {
  return calls.find((c) => c.id === i.id) ?? calls.find((c) => sameCall(i, c));
}

export function incidentOf(c: WallCall, incidents: readonly IncidentView[]): IncidentView | undefined {
  return incidents.find((i) => i.id === c.id) ?? incidents.find((i) => sameCall(i, c));
}
