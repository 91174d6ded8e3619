/**
 * Dispatches and unit reports that reach the hub before their call. Deployed, a call and its
 * dispatch are stored by whichever ingest processes hold their partitions, and each publishes
 * its wall delta after its own commit: the dispatch's delta can come first although the store
 * has both. The reducer moves only incidents the wall holds, so the screens kept the incident
 * "received" while the database had it closed (found by the scale-out test). The hub keeps
 * such moves here and, right after the call's delta, emits them again: the reducer then
 * applies them (an incident moves by its earliest step time whatever the order; a unit keeps
 * its newest report). Kept for the incident window at most, and bounded in number.
 */
import { INCIDENT_WINDOW_MS, incidentIds, type WallDeltaBody, type WallDispatch, type WallState, type WallUnitChange } from '@watchfloor/config/wall';

interface Held { dispatches: WallDispatch[]; units: WallUnitChange[]; newest: number }

export class EarlyMoves {
  private readonly byIncident = new Map<string, Held>();
  constructor(private readonly maxIncidents = 20_000) {}

  /** Keeps the items of a dispatches or units delta that name an incident `state` does not hold. */
  note(body: WallDeltaBody, state: WallState): void {
    if (body.type !== 'dispatches' && body.type !== 'units') return;
    const held = incidentIds(state.incidents);
    const isHeld = (id: string) => held.has(id);
    const entry = (id: string, t: number) => {
      let e = this.byIncident.get(id);
      if (!e) {
        if (this.byIncident.size >= this.maxIncidents) this.byIncident.delete(this.byIncident.keys().next().value!);
        this.byIncident.set(id, (e = { dispatches: [], units: [], newest: t }));
      }
      e.newest = Math.max(e.newest, t);
      return e;
    };
    if (body.type === 'dispatches') {
      for (const d of body.items) if (!isHeld(d.incidentId)) entry(d.incidentId, d.t).dispatches.push(d);
    } else {
      for (const u of body.items) if (u.incidentId !== null && !isHeld(u.incidentId)) entry(u.incidentId, u.t).units.push(u);
    }
  }

  /** The moves held back for these calls, as delta bodies to emit after their calls delta (then forgotten). */
  release(body: WallDeltaBody): WallDeltaBody[] {
    if (body.type !== 'calls' || this.byIncident.size === 0) return [];
    const dispatches: WallDispatch[] = [];
    const units: WallUnitChange[] = [];
    for (const c of body.items) {
      const e = this.byIncident.get(c.id);
      if (!e) continue;
      this.byIncident.delete(c.id);
      dispatches.push(...e.dispatches);
      units.push(...e.units);
    }
    const out: WallDeltaBody[] = [];
    if (dispatches.length) out.push({ type: 'dispatches', items: dispatches });
    if (units.length) out.push({ type: 'units', items: units });
    return out;
  }

  /** Forgets moves whose incident has left the wall's window by now (its call will not be listed). */
  prune(now: number): void {
    for (const [id, e] of this.byIncident) if (e.newest < now - INCIDENT_WINDOW_MS) this.byIncident.delete(id);
  }

  get size(): number { return this.byIncident.size; }
}
