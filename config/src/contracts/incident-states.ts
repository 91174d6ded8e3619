/**
 * How an incident moves through its states (issue 8: received → dispatched → en route → on
 * scene → handled → closed), defined once: the store's incident columns (write-events.ts receives the
 * status lists as parameters), the wall's snapshot query and the wall's reducer all read this,
 * so the dispatch panel shows the same state whether it came from a snapshot or from deltas.
 *
 * An incident only moves forward, and each step's time is the earliest event that says so,
 * whatever order the events arrive in. The first four steps are said by events; `closed` has
 * no event in the contracts (no topic says 结警), so it is a rule of time: an incident is closed
 * once `INCIDENT_CLOSE_AFTER_MS` has passed since it was handled (its unit released from it).
 */
import { INCIDENT_STATES, type IncidentState, type UnitStatusCode } from './codes';

/** The states an event can move an incident to (closed follows from time, received from the call). */
export type IncidentMove = Extract<IncidentState, 'dispatched' | 'en_route' | 'on_scene' | 'handled'>;

/**
 * What a unit's status says of the incident it names. Statuses absent here (busy, off_duty)
 * say nothing of it. `available` naming an incident is the unit released from it: handled.
 */
export const UNIT_STATUS_MOVES: Readonly<Partial<Record<UnitStatusCode, IncidentMove>>> = {
  dispatched: 'dispatched',
  en_route: 'en_route',
  on_scene: 'on_scene',
  available: 'handled',
};

/** A dispatch command naming an incident moves it to this state. */
export const DISPATCH_COMMAND_MOVE: IncidentMove = 'dispatched';

/** The unit statuses that move an incident to `state`: the lists the store's SQL receives. */
export function unitStatusesMovingTo(state: IncidentMove): UnitStatusCode[] {
  return (Object.keys(UNIT_STATUS_MOVES) as UnitStatusCode[]).filter((s) => UNIT_STATUS_MOVES[s] === state);
}

/**
 * 结警: the quiet time after an incident is handled until it counts as closed (the unit's
 * follow-up report and the dispatcher's closing usually come within it). Stored incidents
 * carry it in `closed_at`; migration 006 back-filled it with this value (a unit test keeps
 * the two equal), so a change here needs a migration that recomputes `closed_at`.
 */
export const INCIDENT_CLOSE_AFTER_MS = 30 * 60_000;

/** When an incident handled at `handledAt` (ms) closes. */
export function incidentClosesAt(handledAt: number): number {
  return handledAt + INCIDENT_CLOSE_AFTER_MS;
}

const RANK = new Map<IncidentState, number>(INCIDENT_STATES.map((s, i) => [s, i]));

/** The later of two states: an incident never moves back. */
export function laterIncidentState(a: IncidentState, b: IncidentState): IncidentState {
  return (RANK.get(b) ?? 0) > (RANK.get(a) ?? 0) ? b : a;
}

/** When each step happened, ms (null: not yet). */
export interface IncidentTimes {
  dispatchedAt: number | null;
  enRouteAt: number | null;
  onSceneAt: number | null;
  handledAt: number | null;
  closedAt: number | null;
}

/**
 * An incident's state at `now` from its step times: the furthest step reached. A later step
 * implies the earlier ones (a unit that reports on scene without an en-route report was en route).
 */
export function incidentStateAt(t: IncidentTimes, now: number): IncidentState {
  if (t.closedAt !== null && t.closedAt <= now) return 'closed';
  if (t.handledAt !== null) return 'handled';
  if (t.onSceneAt !== null) return 'on_scene';
  if (t.enRouteAt !== null) return 'en_route';
  if (t.dispatchedAt !== null) return 'dispatched';
  return 'received';
}
