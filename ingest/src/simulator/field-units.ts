/**
 * The simulated field units obey the console (embedded default): on a dispatch command from a
 * person, the unit reports en route, travels the straight line at its kind's speed, reports on
 * scene with the incident's position, and after its time on scene is available again, each
 * report naming the incident. Reports carry the wall-clock time they are sent (never ahead of
 * the clock); SIMULATE_FIELD_SCALE shortens the waits (a test, a demonstration). The county model's
 * own dispatches (SIM_DISPATCHER) already carry their unit's reports, and its draws are not
 * touched here, so its events stay deterministic.
 */
import { DispatchCommand, PARTITION_KEY, type EventOf } from '@watchfloor/config/contracts';
import { DISPATCH_RULES, distanceM } from '@watchfloor/config/dispatch';
import type { Region } from '@watchfloor/config/region';
import type { InProcessBus } from '../bus/in-process-bus';
import type { Publisher } from '../sources/source';
import type { Queryable } from '../store/db';
import { getIncident } from '../store/dispatch';
import { SIM_DISPATCHER } from './county-model';

/** Time from the order to the unit setting off, and on scene until released, in real seconds before scaling. */
const SET_OFF_S = 20;
const ON_SCENE_S = 20 * 60;

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

export function obeyDispatches(opts: FieldUnitsOptions): { stop(): void } {
  const log = opts.log ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  const later = (s: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn().catch((err: Error) => log(`[sim] field unit report failed: ${err.message}`));
    }, (s * 1000) / opts.timeScale);
    timers.add(t);
  };
  const report = (v: EventOf<'unit.status'>) => opts.publisher.send('unit.status', [v], PARTITION_KEY['unit.status']);

  async function obey(cmd: DispatchCommand): Promise<void> {
    const unit = opts.region.unitById.get(cmd.unitId);
    const incident = await getIncident(opts.db, cmd.incidentId, Date.now());
    if (!unit || !incident) return;
    const { rows } = await opts.db.query<{ lon: number | null; lat: number | null }>('SELECT lon, lat FROM units WHERE unit_id = $1', [unit.id]);
    const from = rows[0]?.lon != null && rows[0]?.lat != null ? { lon: Number(rows[0].lon), lat: Number(rows[0].lat) } : { lon: unit.lon, lat: unit.lat };
    const to = { lon: incident.lon, lat: incident.lat };
    const travelS = distanceM(from, to) / DISPATCH_RULES.speedMps[unit.kind];
    const at = () => new Date().toISOString();
    later(SET_OFF_S, () => report({ unitId: unit.id, at: at(), status: 'en_route', incidentId: cmd.incidentId, position: from }));
    later(SET_OFF_S + travelS, () => report({ unitId: unit.id, at: at(), status: 'on_scene', incidentId: cmd.incidentId, position: to }));
    later(SET_OFF_S + travelS + ON_SCENE_S, () => report({ unitId: unit.id, at: at(), status: 'available', incidentId: cmd.incidentId, position: to }));
  }

  const unsubscribe = opts.bus.subscribe('dispatch.commands', async (_topic, values) => {
    // Returns at once: the bus awaits its handlers, and the pipeline shares this topic.
    for (const v of values) {
      const cmd = DispatchCommand.safeParse(typeof v === 'string' ? parseOrNull(v) : v);
      if (!cmd.success || cmd.data.by === SIM_DISPATCHER) continue;
      obey(cmd.data).catch((err: Error) => log(`[sim] obeying ${cmd.data.id} failed: ${err.message}`));
    }
  });
  return {
    stop() {
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
