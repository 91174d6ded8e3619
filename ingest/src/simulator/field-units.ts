/**
 * The simulated field units obey the console (embedded default): on a dispatch command from a
 * person, the unit reports en route, travels the straight line at its kind's speed, reports on
 * scene with the incident's position, and after its time on scene is available again, each
 * report naming the incident. Reports carry the wall-clock time they are sent (never ahead of
 * the clock); SIMULATE_FIELD_SCALE shortens the waits (a test, a demonstration). The county model's
 * own dispatches (SIM_DISPATCHER) already carry their unit's reports, and its draws are not
 * touched here, so its events stay deterministic; but while a unit works a console order, the
 * model's events for that unit are held back (`keepModelEvent`): its patrol pings, and the
 * whole of any response the model would have sent it on. A unit works one incident at a time
 * (the transitions the store checks, config/src/contracts/unit-transitions.ts). A reassignment
 * cancels the replaced unit's remaining reports.
 */
import { DispatchCommand, ENGAGED_UNIT_STATUSES, PARTITION_KEY, type EventOf } from '@watchfloor/config/contracts';
import { DISPATCH_RULES, FREE_UNIT_STATUS, distanceM } from '@watchfloor/config/dispatch';
import type { Region } from '@watchfloor/config/region';
import type { InProcessBus } from '../bus/in-process-bus';
import type { Publisher } from '../sources/source';
import type { Queryable } from '../store/db';
import { getIncident } from '../store/dispatch';
import { SIM_DISPATCHER, type SimEvent } from './county-model';

/** Time from the order to the unit setting off, and on scene until released, in real seconds before scaling. */
const SET_OFF_S = 20;
const ON_SCENE_S = 20 * 60;
/** Margin around a console order in which the model's events for its unit are held back, ms. */
const ORDER_MARGIN_MS = 2 * 60_000;

export interface FieldUnits {
  stop(): void;
  /** False for a model event that would contradict a console order a unit is working. */
  keepModelEvent(e: SimEvent): boolean;
}

export interface FieldUnitsOptions {
  bus: InProcessBus;
  publisher: Publisher;
  region: Region;
  db: Queryable;
  /** Waits are divided by this (1: real time). */
  timeScale: number;
  log?: (l: string) => void;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function obeyDispatches(opts: FieldUnitsOptions): FieldUnits {
  const log = opts.log ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  /** Console orders being worked, by incident: the unit, its pending reports, and when it is free again (ms). */
  const orders = new Map<string, { unitId: string; timers: Set<NodeJS.Timeout>; from: number; until: number }>();
  /** Model incidents whose response was held back: all of it is, later reports included. */
  const heldBack = new Set<string>();
  const waitMs = (s: number) => (s * 1000) / opts.timeScale;
  const later = (order: { timers: Set<NodeJS.Timeout> }, s: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      order.timers.delete(t);
      fn().catch((err: Error) => log(`[sim] field unit report failed: ${err.message}`));
    }, waitMs(s));
    timers.add(t);
    order.timers.add(t);
  };
  function cancel(incidentId: string): void {
    const o = orders.get(incidentId);
    if (!o) return;
    for (const t of o.timers) { clearTimeout(t); timers.delete(t); }
    orders.delete(incidentId);
  }
  const working = (unitId: string, t: number) => {
    for (const o of orders.values()) if (o.unitId === unitId && t >= o.from - ORDER_MARGIN_MS && t <= o.until + ORDER_MARGIN_MS) return true;
    return false;
  };
  const report = async (v: EventOf<'unit.status'>) => { await opts.publisher.send('unit.status', [v], PARTITION_KEY['unit.status']); };

  async function obey(cmd: DispatchCommand): Promise<void> {
    // A reassignment: the replaced unit stops reporting on this incident.
    if (orders.get(cmd.incidentId)?.unitId !== cmd.unitId) cancel(cmd.incidentId);
    const unit = opts.region.unitById.get(cmd.unitId);
    const incident = await getIncident(opts.db, cmd.incidentId, Date.now());
    if (!unit || !incident) return;
    const { rows } = await opts.db.query<{ lon: number | null; lat: number | null }>('SELECT lon, lat FROM units WHERE unit_id = $1', [unit.id]);
    const from = rows[0]?.lon != null && rows[0]?.lat != null ? { lon: Number(rows[0].lon), lat: Number(rows[0].lat) } : { lon: unit.lon, lat: unit.lat };
    const to = { lon: incident.lon, lat: incident.lat };
    const travelS = distanceM(from, to) / DISPATCH_RULES.speedMps[unit.kind];
    const at = () => new Date().toISOString();
    const total = SET_OFF_S + travelS + ON_SCENE_S;
    const order = { unitId: unit.id, timers: new Set<NodeJS.Timeout>(), from: Date.parse(cmd.at), until: Date.now() + waitMs(total) };
    orders.set(cmd.incidentId, order);
    later(order, SET_OFF_S, () => report({ unitId: unit.id, at: at(), status: 'en_route', incidentId: cmd.incidentId, position: from }));
    later(order, SET_OFF_S + travelS, () => report({ unitId: unit.id, at: at(), status: 'on_scene', incidentId: cmd.incidentId, position: to }));
    later(order, total, async () => {
      await report({ unitId: unit.id, at: at(), status: 'available', incidentId: cmd.incidentId, position: to });
      // Kept a little longer: keepModelEvent still holds the model back for the margin after it.
      const done = setTimeout(() => { timers.delete(done); if (orders.get(cmd.incidentId) === order) orders.delete(cmd.incidentId); }, ORDER_MARGIN_MS);
      timers.add(done);
    });
  }

  // Orders a previous run of this process was working when it stopped are lost with its timers:
  // those units report themselves released now, or they would hold their incidents for ever
  // (and every later model event for them would be refused).
  void (async () => {
    const { rows } = await opts.db.query<{ unit_id: string; incident_id: string; lon: number | null; lat: number | null }>(
      `SELECT u.unit_id, u.incident_id, u.lon, u.lat FROM units u JOIN incidents i ON i.call_id = u.incident_id
       WHERE u.status = ANY($1::text[]) AND i.assigned_by IS NOT NULL AND i.unit_id = u.unit_id`,
      [[...ENGAGED_UNIT_STATUSES]],
    );
    if (rows.length === 0) return;
    const at = new Date().toISOString();
    await opts.publisher.send('unit.status', rows.map((r): EventOf<'unit.status'> => ({
      unitId: r.unit_id, at, status: FREE_UNIT_STATUS, incidentId: r.incident_id,
      ...(r.lon !== null && r.lat !== null ? { position: { lon: Number(r.lon), lat: Number(r.lat) } } : {}),
    })), PARTITION_KEY['unit.status']);
    log(`[sim] ${rows.length} console order(s) of a previous run released`);
  })().catch((err: Error) => log(`[sim] releasing earlier orders failed: ${err.message}`));

  const unsubscribe = opts.bus.subscribe('dispatch.commands', async (_topic, values) => {
    // Returns at once: the bus awaits its handlers, and the pipeline shares this topic.
    for (const v of values) {
      const cmd = DispatchCommand.safeParse(typeof v === 'string' ? parseOrNull(v) : v);
      if (!cmd.success || cmd.data.by === SIM_DISPATCHER) continue;
      obey(cmd.data).catch((err: Error) => log(`[sim] obeying ${cmd.data.id} failed: ${err.message}`));
    }
  });
  return {
    keepModelEvent(e: SimEvent): boolean {
      if (e.event.topic === 'dispatch.commands') {
        const v = e.event.value as EventOf<'dispatch.commands'>;
        if (heldBack.has(v.incidentId)) return false;
        if (v.by === SIM_DISPATCHER && working(v.unitId, e.t)) { heldBack.add(v.incidentId); return false; }
        return true;
      }
      if (e.event.topic !== 'unit.status') return true;
      const v = e.event.value as EventOf<'unit.status'>;
      if (v.incidentId !== undefined && heldBack.has(v.incidentId)) return false;
      if (!working(v.unitId, e.t)) return true;
      if (v.incidentId !== undefined && !orders.has(v.incidentId)) heldBack.add(v.incidentId);
      return false;
    },
    stop() {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
