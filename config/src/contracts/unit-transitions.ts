/**
 * Which `unit.status` reports the field may send, defined once (issue 8: "the transitions
 * checked server-side; an impossible transition is refused and logged, never stored"). The
 * ingest pipeline judges every report newer than the unit's stored state with `judgeUnitReport`;
 * an older one is history (a late or out-of-order report) and is stored as before, since the
 * store derives the current state whatever the arrival order.
 *
 * Two kinds of checks: the unit's own status order (UNIT_TRANSITIONS), and the incident it
 * names (an incident is worked by the unit it is assigned to; a unit holding an incident leaves
 * it only by being released from it, by name; a closed incident is sent nobody).
 */
import type { UnitStatusCode } from './codes';
import { INCIDENT_CLOSE_AFTER_MS, UNIT_STATUS_MOVES } from './incident-states';

/** Statuses in which a unit holds the incident it names: it is working on it and on nothing else. */
export const ENGAGED_UNIT_STATUSES: ReadonlySet<UnitStatusCode> = new Set(['dispatched', 'en_route', 'on_scene']);

/**
 * From a unit's current status, the statuses its next report may have. Every status may repeat
 * (position updates carry the status they are in).
 */
export const UNIT_TRANSITIONS: Readonly<Record<UnitStatusCode, readonly UnitStatusCode[]>> = {
  // Free: it may be sent (dispatched by the console or the field's radio), set off at once,
  // come upon something on patrol (on scene directly), take other work, or go off duty.
  available: ['available', 'dispatched', 'en_route', 'on_scene', 'busy', 'off_duty'],
  // Sent: it sets off, or is on scene before its en-route report got through, or is stood
  // down (available). Busy or off duty would leave the incident without its unit.
  dispatched: ['dispatched', 'en_route', 'on_scene', 'available'],
  // Travelling: it arrives, or is stood down. Not back to dispatched: an incident never moves back.
  en_route: ['en_route', 'on_scene', 'available'],
  // On scene: it is released (available, the incident handled). Not back on the road for the
  // same incident, and not to other work before the release.
  on_scene: ['on_scene', 'available'],
  // Other work (paperwork, a briefing): it may be pulled from it and sent, or finish, or go home.
  busy: ['busy', 'available', 'dispatched', 'en_route', 'on_scene', 'off_duty'],
  // Off duty: it comes on duty (available, or straight into other work) before it is sent anywhere.
  off_duty: ['off_duty', 'available', 'busy'],
};

/** Why a report was refused: codes for the log and the dead letter's reason. */
export const UNIT_REFUSALS = ['status_order', 'other_incident', 'not_released', 'other_unit', 'incident_closed'] as const;
export type UnitRefusal = (typeof UNIT_REFUSALS)[number];

/** A unit as the store holds it (its newest report, or the console's assignment). */
export interface UnitNow { status: UnitStatusCode; incidentId: string | null; at: number }
/** What the check needs of an incident: who it is assigned to, and when it closes (ms, null: not handled). */
export interface IncidentNow { unitId: string | null; closedAt: number | null }
export interface UnitReport { unitId: string; status: UnitStatusCode; incidentId: string | null; at: number }

export type UnitVerdict = { ok: true } | { ok: false; refusal: UnitRefusal; detail: string };

/**
 * Judges a report newer than the unit's state `cur` (null: the unit never reported), naming
 * `incident` (null: none, or an incident not stored yet: feeds may deliver it after its units).
 * `detail` names ids and codes only.
 */
export function judgeUnitReport(cur: UnitNow | null, r: UnitReport, incident: IncidentNow | null): UnitVerdict {
  const refuse = (refusal: UnitRefusal, detail: string): UnitVerdict => ({ ok: false, refusal, detail });
  if (cur) {
    if (!UNIT_TRANSITIONS[cur.status].includes(r.status)) return refuse('status_order', `unit ${r.unitId} ${cur.status} → ${r.status}`);
    const held = ENGAGED_UNIT_STATUSES.has(cur.status) ? cur.incidentId : null;
    if (held !== null && r.incidentId !== held) {
      // Released from it by name only: an anonymous "available" would leave the incident open for ever.
      return ENGAGED_UNIT_STATUSES.has(r.status) && r.incidentId !== null
        ? refuse('other_incident', `unit ${r.unitId} ${cur.status} on ${held} → ${r.status} on ${r.incidentId}`)
        : refuse('not_released', `unit ${r.unitId} ${cur.status} on ${held} → ${r.status} on ${r.incidentId ?? 'none'}`);
    }
  }
  if (r.incidentId !== null && incident && UNIT_STATUS_MOVES[r.status] !== undefined) {
    if (incident.unitId !== null && incident.unitId !== r.unitId) {
      return refuse('other_unit', `unit ${r.unitId} ${r.status} on ${r.incidentId}, assigned to ${incident.unitId}`);
    }
    if (ENGAGED_UNIT_STATUSES.has(r.status) && incident.closedAt !== null && incident.closedAt <= r.at) {
      return refuse('incident_closed', `unit ${r.unitId} ${r.status} on ${r.incidentId}, closed`);
    }
  }
  return { ok: true };
}

/**
 * What an accepted report does to the incident as the check sees it, as the store does it
 * (ingest/src/store/write-events.ts): the first unit to name it holds it, and a release
 * closes it INCIDENT_CLOSE_AFTER_MS later (the earliest release wins).
 */
export function incidentAfterReport(i: IncidentNow, r: UnitReport): IncidentNow {
  const handled = UNIT_STATUS_MOVES[r.status] === 'handled';
  return {
    unitId: i.unitId ?? r.unitId,
    closedAt: handled ? Math.min(i.closedAt ?? Infinity, r.at + INCIDENT_CLOSE_AFTER_MS) : i.closedAt,
  };
}
