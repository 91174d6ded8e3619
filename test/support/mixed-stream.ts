/**
 * A mixed stream of every input topic for the deployed tests: the simulated county's last
 * hours (calls, camera alerts, case changes, unit reports and dispatch commands that fit
 * together, from a fresh roster) thickened with calls, alerts and case lifecycles of our own
 * (ids under `prefix`), all in event-time order and keyed as the publishers key them, so
 * each entity's events keep their order on the broker.
 */
import { PARTITION_KEY, type AnyEvent, type EventOf } from '@watchfloor/config/contracts';
import { CALL_CATEGORIES, CASE_CATEGORIES, CASE_LEVELS, RISKS } from '@watchfloor/config/contracts';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import type { Message } from 'kafkajs';
import { tongguan } from './region';

export interface StreamEvent { t: number; event: AnyEvent }

const HOUR = 3_600_000;
const MIN = 60_000;

export interface MixedStreamOptions {
  now: number;
  prefix: string;
  /** Our own calls, spread over the last 2 h. */
  calls: number;
  /** Our own cases, each registered → mediating → resolved, closed or escalated (three changes). */
  cases: number;
  /** Our own camera alerts over the last 50 min, one in ten a camera going offline. */
  alerts: number;
  seed?: number;
  tz?: string;
}

export function mixedStream(o: MixedStreamOptions): StreamEvent[] {
  const region = tongguan();
  const model = new CountyModel(region, o.seed ?? 11, o.tz ?? 'Asia/Shanghai');
  const h0 = Math.floor(o.now / HOUR);
  const out: StreamEvent[] = [...model.initialUnits((h0 - 12) * HOUR)];
  for (let h = h0 - 12; h < h0; h++) out.push(...model.eventsInHour(h, false));
  const cams = region.cameras;
  const grids = region.grids.features;
  const iso = (t: number) => new Date(t).toISOString();
  // Deterministic spreading: the same options give the same stream.
  const frac = (i: number, k: number) => ((i * 2654435761 + k * 40503) % 1_000_003) / 1_000_003;
  for (let i = 0; i < o.calls; i++) {
    const t = Math.round(o.now - 2 * HOUR + frac(i, 1) * (2 * HOUR - MIN));
    const cam = cams[i % cams.length]!;
    const value: EventOf<'police.calls'> = {
      id: `${o.prefix}C${i}`, receivedAt: iso(t), category: CALL_CATEGORIES[i % CALL_CATEGORIES.length]!, priority: 1 + (i % 3),
      summary: '报警人称有情况', location: { lon: cam.lon, lat: cam.lat }, callerPhone: '13800000000', source: 'phone',
    };
    out.push({ t, event: { topic: 'police.calls', value } });
  }
  for (let i = 0; i < o.cases; i++) {
    const t0 = Math.round(o.now - 2 * HOUR + frac(i, 2) * HOUR);
    const last = (['resolved', 'closed', 'escalated'] as const)[i % 3]!;
    const base = {
      caseId: `${o.prefix}K${i}`, kind: 'dispute' as const, category: CASE_CATEGORIES[i % CASE_CATEGORIES.length]!,
      level: CASE_LEVELS[i % CASE_LEVELS.length]!, risk: RISKS[i % RISKS.length]!, gridId: grids[i % grids.length]!.properties.code,
    };
    (['registered', 'mediating', last] as const).forEach((status, k) => {
      const t = t0 + k * 20 * MIN;
      out.push({ t, event: { topic: 'case.status', value: { ...base, status, changedAt: iso(t) } } });
    });
  }
  for (let i = 0; i < o.alerts; i++) {
    const t = Math.round(o.now - 50 * MIN + frac(i, 3) * 49 * MIN);
    const cam = cams[(i * 7) % cams.length]!;
    const type = i % 10 === 0 ? 'camera_offline' : (['crowd', 'intrusion', 'fire_smoke', 'fight', 'vehicle_violation', 'water_danger'] as const)[i % 6]!;
    out.push({ t, event: { topic: 'camera.alerts', value: { id: `${o.prefix}A${i}`, cameraId: cam.id, occurredAt: iso(t), type, confidence: 0.8 } } });
  }
  // Nothing from the future: the server refuses events ahead of its clock.
  return out.filter((e) => e.t <= o.now).sort((a, b) => a.t - b.t);
}

/** The Kafka message of an event, keyed by its partition field. */
export function toMessage(e: StreamEvent): Message {
  return { key: PARTITION_KEY[e.event.topic](e.event.value) ?? null, value: JSON.stringify(e.event.value) };
}
