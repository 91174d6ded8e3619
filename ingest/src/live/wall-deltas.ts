/**
 * Stored records → wall delta bodies. This is where the wall's privacy line is drawn:
 * only codes, times and positions cross it; no summaries, phones, addresses or names.
 * Ids are free text from the senders, so every id crosses in its display form only, made by
 * the same function as the snapshot's (store/queries/wall.ts): a call's id, a dispatch's and
 * a unit's incidentId still match, and deltas still find their case, unit or camera.
 * Replay (store/queries/replay.ts) converts table rows with the same item functions.
 */
import { displayId } from '@watchfloor/config/privacy';
import type { WarningChange } from '@watchfloor/config/rules';
import type { WallAlert, WallCall, WallCaseChange, WallDeltaBody, WallDispatch, WallUnitChange } from '@watchfloor/config/wall';
import type { StoredBatch } from '../records';

/** The fields of a stored call the wall shows (from a pipeline record or a table row alike). */
export interface CallFields { id: string; t: number; category: WallCall['category']; priority: number; lon: number; lat: number; gridId: string | null; townCode: string | null }
export function wallCallItem(c: CallFields): WallCall {
  return { id: displayId('call', c.id), t: c.t, category: c.category, priority: c.priority, lon: c.lon, lat: c.lat, gridId: c.gridId, townCode: c.townCode, state: 'received' };
}
export function wallAlertItem(a: WallAlert): WallAlert {
  return { ...a, id: displayId('alert', a.id), cameraId: displayId('camera', a.cameraId) };
}
export function wallCaseItem(c: WallCaseChange): WallCaseChange {
  return { ...c, caseId: displayId('case', c.caseId) };
}
export function wallUnitItem(u: WallUnitChange): WallUnitChange {
  return { ...u, unitId: displayId('unit', u.unitId), incidentId: u.incidentId === null ? null : displayId('call', u.incidentId) };
}
export function wallDispatchItem(d: WallDispatch): WallDispatch {
  return { incidentId: displayId('call', d.incidentId), unitId: displayId('unit', d.unitId), t: d.t };
}

export function toWallDelta(batch: StoredBatch): WallDeltaBody {
  switch (batch.topic) {
    case 'police.calls':
      return { type: 'calls', items: (batch as StoredBatch<'police.calls'>).records.map((r) => wallCallItem({
        id: r.event.id, t: Date.parse(r.event.receivedAt), category: r.event.category, priority: r.event.priority,
        lon: r.event.location.lon, lat: r.event.location.lat, gridId: r.place.gridId, townCode: r.place.townCode,
      })) };
    case 'camera.alerts':
      return { type: 'alerts', items: (batch as StoredBatch<'camera.alerts'>).records.map((r) => wallAlertItem({
        id: r.event.id, t: Date.parse(r.event.occurredAt), type: r.event.type, cameraId: r.event.cameraId, gridId: r.place.gridId, lon: r.lon, lat: r.lat,
      })) };
    case 'case.status':
      return { type: 'cases', items: (batch as StoredBatch<'case.status'>).records.map((r) => wallCaseItem({
        caseId: r.event.caseId, t: Date.parse(r.event.changedAt), status: r.event.status, level: r.event.level, risk: r.event.risk, gridId: r.event.gridId,
      })) };
    case 'unit.status':
      return { type: 'units', items: (batch as StoredBatch<'unit.status'>).records.map((r) => wallUnitItem({
        unitId: r.event.unitId, t: Date.parse(r.event.at), status: r.event.status, lon: r.event.position?.lon ?? null,
        lat: r.event.position?.lat ?? null, incidentId: r.event.incidentId ?? null,
      })) };
    case 'dispatch.commands':
      return { type: 'dispatches', items: (batch as StoredBatch<'dispatch.commands'>).records.map((r) => wallDispatchItem({
        incidentId: r.event.incidentId, unitId: r.event.unitId, t: Date.parse(r.event.at),
      })) };
  }
}

/**
 * What a stored batch shows on the wall: its new records and, from Kafka, the redelivered ones
 * too (null: nothing to show). A redelivery means the process that stored them may have died
 * between its commit and its delta, and the wall would never hear of them; the reducer applies
 * an item it holds already as a no-op. Only Kafka's: there a duplicate is the tail of what the
 * dead consumer was doing, the newest news of its entities, while an HTTP sender re-posting an
 * old file would bring back states the walls have moved past (a closed case, reopened).
 */
export function wallDeltaOf(batch: StoredBatch): WallDeltaBody | null {
  const again = batch.source === 'kafka' ? batch.again ?? [] : [];
  if (batch.records.length === 0 && again.length === 0) return null;
  return toWallDelta({ ...batch, records: [...again, ...batch.records] });
}

/** Warning changes → a wall delta: the warning's latest state, no evidence ids or figures. */
export function warningsDelta(changes: readonly WarningChange[]): WallDeltaBody {
  const last = new Map(changes.map((c) => [c.warning.id, c.warning]));
  return { type: 'warnings', items: [...last.values()].map((w) => ({
    id: w.id, rule: w.rule, colour: w.colour, regionCode: w.regionCode, reason: w.reason, raisedAt: w.raisedAt, status: w.status,
  })) };
}
