/**
 * The server-side check of the field's `unit.status` reports (rules:
 * config/src/contracts/unit-transitions.ts), run inside the batch's transaction before the
 * reports are written. It reads the current state of the units and incidents the batch names,
 * locked (incident rows first, then unit rows: the order of the console's assignment, so the two
 * never deadlock), then judges the reports in time order, each against the state the reports
 * accepted before it left: a batch gets the answers its reports would get one at a time.
 * A report at or before its unit's current time is history and passes unjudged.
 */
import {
  incidentAfterReport, judgeUnitReport, type IncidentNow, type UnitNow, type UnitRefusal, type UnitStatusCode,
} from '@watchfloor/config/contracts';
import type { UnitRecord } from '../records';
import type { Queryable } from './db';

export interface RefusedReport { record: UnitRecord; refusal: UnitRefusal; detail: string }

export async function checkUnitReports(tx: Queryable, recs: readonly UnitRecord[]): Promise<{ accepted: UnitRecord[]; refused: RefusedReport[] }> {
  if (recs.length === 0) return { accepted: [], refused: [] };
  const incidentIds = [...new Set(recs.flatMap((r) => (r.event.incidentId ? [r.event.incidentId] : [])))];
  const incidents = new Map<string, IncidentNow>();
  if (incidentIds.length) {
    const { rows } = await tx.query<{ call_id: string; unit_id: string | null; closed_at: Date | string | null }>(
      'SELECT call_id, unit_id, closed_at FROM incidents WHERE call_id = ANY($1::text[]) ORDER BY call_id FOR UPDATE',
      [incidentIds],
    );
    for (const r of rows) incidents.set(r.call_id, { unitId: r.unit_id, closedAt: r.closed_at === null ? null : new Date(r.closed_at).getTime() });
  }
  const units = new Map<string, UnitNow>();
  const { rows } = await tx.query<{ unit_id: string; status: UnitStatusCode; incident_id: string | null; at: Date | string }>(
    'SELECT unit_id, status, incident_id, at FROM units WHERE unit_id = ANY($1::text[]) ORDER BY unit_id FOR UPDATE',
    [[...new Set(recs.map((r) => r.event.unitId))]],
  );
  for (const r of rows) units.set(r.unit_id, { status: r.status, incidentId: r.incident_id, at: new Date(r.at).getTime() });

  const ordered = recs.map((record, i) => ({ record, i, at: Date.parse(record.event.at) })).sort((a, b) => a.at - b.at || a.i - b.i);
  const refusedAt = new Set<number>();
  const refused: RefusedReport[] = [];
  for (const { record, i, at } of ordered) {
    const e = record.event;
    const report = { unitId: e.unitId, status: e.status, incidentId: e.incidentId ?? null, at };
    const cur = units.get(e.unitId) ?? null;
    const incident = report.incidentId === null ? null : incidents.get(report.incidentId) ?? null;
    const newer = cur === null || at > cur.at;
    if (newer) {
      const v = judgeUnitReport(cur, report, incident);
      if (!v.ok) {
        refusedAt.add(i);
        refused.push({ record, refusal: v.refusal, detail: v.detail });
        continue;
      }
      units.set(e.unitId, { status: e.status, incidentId: report.incidentId, at });
    }
    if (incident && report.incidentId !== null) incidents.set(report.incidentId, incidentAfterReport(incident, report));
  }
  return { accepted: recs.filter((_, i) => !refusedAt.has(i)), refused };
}
