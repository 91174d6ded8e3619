/**
 * The wall's state as a pure reducer: apply(state, delta) → state. The server uses it to
 * keep the snapshot it hands to new clients, the browser for live deltas, and replay for
 * stored events, so live and replay can never disagree. Unchanged parts keep their object
 * identity, so map layers and panels skip work when their slice did not change.
 */
import {
  CAMERA_OFFLINE_ALERT, CLOSED_CASE_STATUSES, DISPATCH_COMMAND_MOVE, ENGAGED_UNIT_STATUSES, UNIT_STATUS_MOVES, incidentClosesAt, laterIncidentState,
  type IncidentMove, type IncidentState,
} from '../contracts';
import { ASSIGNED_UNIT_STATUS, FREE_UNIT_STATUS } from '../dispatch';
import { zonedParts } from '../time';
import {
  ALERT_WINDOW_MS, INCIDENT_WINDOW_MS, MAX_ALERTS, MAX_INCIDENTS,
  type WallCall, type WallDelta, type WallState,
} from './types';

/** An incident's state once `now` has come: a handled one closes at its closesAt. */
function closedBy(c: WallCall, now: number): IncidentState {
  return c.state === 'handled' && c.closesAt !== undefined && c.closesAt <= now ? 'closed' : c.state;
}

/** Moves an incident on by an event of time `t` (rule: config/src/contracts/incident-states.ts). */
function withIncidentMove(s: WallState, id: string, move: IncidentMove, t: number, now: number): WallState {
  const i = s.incidents.findIndex((c) => c.id === id);
  if (i < 0) return s;
  const cur = s.incidents[i]!;
  const closesAt = move === 'handled' ? Math.min(cur.closesAt ?? Infinity, incidentClosesAt(t)) : cur.closesAt;
  const moved: WallCall = { ...cur, state: laterIncidentState(cur.state, move), ...(closesAt !== undefined ? { closesAt } : {}) };
  const state = closedBy(moved, now);
  if (state === cur.state && closesAt === cur.closesAt) return s;
  const incidents = s.incidents.slice();
  incidents[i] = { ...moved, state };
  return { ...s, incidents };
}

/**
 * A dispatch command hands its incident to its unit, as the store does (write-events.ts): the
 * unit is dispatched on it when the command is its newest news (or its first), and a unit still holding the
 * incident from before (a reassignment) is released, its time unchanged.
 */
function withDispatchedUnit(units: WallState['units'], unitId: string, incidentId: string, t: number): WallState['units'] {
  let out = units;
  const put = (id: string, u: WallState['units'][string]) => { if (out === units) out = { ...units }; out[id] = u; };
  const cur = units[unitId];
  // Without a position yet, as the snapshot shows a unit the store holds none for.
  if (!cur || t > cur.t) put(unitId, { lon: 0, lat: 0, ...cur, status: ASSIGNED_UNIT_STATUS, incidentId, t });
  for (const [id, u] of Object.entries(units)) {
    if (id !== unitId && u.incidentId === incidentId && u.t < t && ENGAGED_UNIT_STATUSES.has(u.status)) put(id, { ...u, status: FREE_UNIT_STATUS, incidentId: null });
  }
  return out;
}

/** Ids of an incidents list, cached on the list (lists are never mutated, only replaced): the reducer and the hub ask it on every delta. */
const idsOf = new WeakMap<readonly WallCall[], Set<string>>();
export function incidentIds(list: readonly WallCall[]): ReadonlySet<string> {
  let s = idsOf.get(list);
  if (!s) idsOf.set(list, (s = new Set(list.map((c) => c.id))));
  return s;
}

function applyCalls(s: WallState, items: WallCall[], tz: string, now: number): WallState {
  const known = incidentIds(s.incidents);
  const fresh = items.filter((c) => !known.has(c.id) && c.t >= s.at - INCIDENT_WINDOW_MS).sort((a, b) => b.t - a.t);
  if (fresh.length === 0) return s;
  // Live calls are nearly always newer than all held: then a prepend keeps the order, no sort.
  const newestHeld = s.incidents[0]?.t ?? -Infinity;
  const merged = fresh[fresh.length - 1]!.t >= newestHeld ? fresh.concat(s.incidents) : fresh.concat(s.incidents).sort((a, b) => b.t - a.t);
  const incidents = merged.length > MAX_INCIDENTS ? merged.slice(0, MAX_INCIDENTS) : merged;
  const gridCalls = { ...s.gridCalls };
  const f = { ...s.figures, callsByHourToday: s.figures.callsByHourToday.slice(), byCategoryToday: { ...s.figures.byCategoryToday } };
  for (const c of fresh) {
    // Held calls per grid, as the snapshot counts its list.
    if (c.gridId) gridCalls[c.gridId] = (gridCalls[c.gridId] ?? 0) + 1;
    // A call stamped ahead of the server clock (a producer's clock running fast) is listed but
    // not yet in today's figures: the database's figures count events up to now, so counting it
    // here would make the next 30 s refresh take the count back down. It counts once its time
    // has come, at the first refresh after.
    if (c.t > now) continue;
    if (c.t >= f.dayStart && c.t < f.dayStart + 86_400_000) {
      f.callsToday++;
      const h = zonedParts(new Date(c.t), tz).hour;
      f.callsByHourToday[h] = (f.callsByHourToday[h] ?? 0) + 1;
      f.byCategoryToday[c.category] = (f.byCategoryToday[c.category] ?? 0) + 1;
    }
  }
  return { ...s, incidents, gridCalls, figures: f };
}

/** Applies one delta. Deltas at or below the state's sequence are ignored (never applied twice). */
export function apply(s: WallState, d: WallDelta, tz: string): WallState {
  if (d.seq <= s.seq) return s;
  let next: WallState = s;
  let newest = s.newestEventAt;
  // An event stamped ahead of the server's clock says nothing about how fresh the feeds are:
  // counted, it would show "0 秒前" and hide the 数据中断 banner until that time comes.
  const seen = (t: number) => { if (t <= d.at && (newest === null || t > newest)) newest = t; };
  switch (d.type) {
    case 'calls':
      d.items.forEach((c) => seen(c.t));
      next = applyCalls(s, d.items, tz, Math.max(s.at, d.at));
      break;
    case 'dispatches': {
      const now = Math.max(s.at, d.at);
      let units = s.units;
      for (const x of d.items) {
        seen(x.t);
        next = withIncidentMove(next, x.incidentId, DISPATCH_COMMAND_MOVE, x.t, now);
        units = withDispatchedUnit(units, x.unitId, x.incidentId, x.t);
      }
      if (units !== s.units) next = { ...next, units };
      break;
    }
    case 'units': {
      const units = { ...s.units };
      for (const u of d.items) {
        seen(u.t);
        // A late event still moves its incident (earliest time wins, as in the store), even
        // though the unit itself has newer news.
        const move = UNIT_STATUS_MOVES[u.status];
        if (u.incidentId && move) next = withIncidentMove(next, u.incidentId, move, u.t, Math.max(s.at, d.at));
        const cur = units[u.unitId];
        if (cur && cur.t > u.t) continue;
        units[u.unitId] = { status: u.status, lon: u.lon ?? cur?.lon ?? 0, lat: u.lat ?? cur?.lat ?? 0, t: u.t, incidentId: u.incidentId };
      }
      next = { ...next, units };
      break;
    }
    case 'alerts': {
      const offline = { ...s.offlineCameras };
      // A delta may repeat what the snapshot already holds (subscribed before it loaded).
      const held = new Set(s.alerts.map((a) => a.id));
      const fresh = [];
      for (const a of d.items) {
        seen(a.t);
        if (a.type === CAMERA_OFFLINE_ALERT) {
          if ((offline[a.cameraId] ?? 0) < a.t) offline[a.cameraId] = a.t;
        } else {
          // Any other alert proves the camera is sending again.
          if (offline[a.cameraId] !== undefined && offline[a.cameraId]! <= a.t) delete offline[a.cameraId];
          if (a.t >= s.at - ALERT_WINDOW_MS && !held.has(a.id)) { held.add(a.id); fresh.push(a); }
        }
      }
      const alerts = fresh.length ? [...fresh, ...s.alerts].sort((a, b) => b.t - a.t).slice(0, MAX_ALERTS) : s.alerts;
      next = { ...s, offlineCameras: offline, alerts };
      break;
    }
    case 'cases': {
      const cases = { ...s.cases };
      for (const c of d.items) {
        seen(c.t);
        const cur = cases[c.caseId];
        if (cur && cur.t > c.t) continue;
        if (CLOSED_CASE_STATUSES.has(c.status)) delete cases[c.caseId];
        else cases[c.caseId] = { status: c.status, level: c.level, risk: c.risk, gridId: c.gridId, t: c.t };
      }
      next = { ...s, cases };
      break;
    }
    case 'warnings': {
      const warnings = { ...s.warnings };
      for (const w of d.items) {
        if (w.status === 'resolved') delete warnings[w.id];
        else warnings[w.id] = w;
      }
      next = { ...s, warnings };
      break;
    }
    case 'figures':
      next = { ...s, figures: d.figures };
      break;
  }
  return { ...next, seq: d.seq, at: Math.max(s.at, d.at), newestEventAt: newest };
}

/**
 * Drops what has left the time windows (24 h of calls, 1 h of alerts) as of `now`, and
 * closes the handled incidents whose quiet time has passed: time moves them on too.
 */
export function prune(s: WallState, now: number): WallState {
  const cut = now - INCIDENT_WINDOW_MS;
  const last = s.incidents[s.incidents.length - 1];
  const alertCut = now - ALERT_WINDOW_MS;
  const lastAlert = s.alerts[s.alerts.length - 1];
  const dropCalls = last !== undefined && last.t < cut;
  const dropAlerts = lastAlert !== undefined && lastAlert.t < alertCut;
  const closing = s.incidents.some((c) => closedBy(c, now) !== c.state);
  if (!dropCalls && !dropAlerts && !closing) return s;
  let next = s;
  if (closing) {
    next = { ...next, incidents: s.incidents.map((c) => {
      const state = closedBy(c, now);
      return state === c.state ? c : { ...c, state };
    }) };
  }
  if (dropCalls) {
    const keep = next.incidents.filter((c) => c.t >= cut);
    const gridCalls = { ...s.gridCalls };
    for (const c of s.incidents) {
      if (c.t >= cut || !c.gridId) continue;
      const n = (gridCalls[c.gridId] ?? 0) - 1;
      if (n > 0) gridCalls[c.gridId] = n;
      else delete gridCalls[c.gridId];
    }
    next = { ...next, incidents: keep, gridCalls };
  }
  if (dropAlerts) next = { ...next, alerts: s.alerts.filter((a) => a.t >= alertCut) };
  return next;
}

/** Counts the wall's dispatch panel shows: incidents of the last 24 h by state. */
export function dispatchCounts(s: WallState): Record<IncidentState, number> {
  const out: Record<IncidentState, number> = { received: 0, dispatched: 0, en_route: 0, on_scene: 0, handled: 0, closed: 0 };
  for (const c of s.incidents) out[c.state]++;
  return out;
}
