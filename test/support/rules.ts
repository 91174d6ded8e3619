/** Helpers for the rules tests: stored records (as the pipeline hands them on), an engine over Tongguan, a simulated county. */
import type { AnyEvent, EventOf } from '@watchfloor/config/contracts';
import { loadRulesConfig, type RulesConfig, type WarningChange, type Warning } from '@watchfloor/config/rules';
import { enrich } from '@watchfloor/ingest/pipeline/enrich';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { StoredRecord } from '@watchfloor/ingest/records';
import { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { rulesRegionOf } from '@watchfloor/ingest/rules/region';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { tongguan, tongguanGrids } from './region';

export const TZ = 'Asia/Shanghai';
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const ctx = () => ({ region: tongguan(), grids: tongguanGrids(), phones: phoneProtector('rules-test-key-0123456789abcdef') });
let enrichCtx: ReturnType<typeof ctx> | null = null;

/** An event through the pipeline's enrich stage: placed in the region, phone hashed. */
export function stored(e: AnyEvent): StoredRecord {
  enrichCtx ??= ctx();
  const r = enrich(enrichCtx, e);
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

/** The committed config/rules (with its 2026 calendar), with overrides per section (shallow merge per section). */
export function config(over: { [K in keyof RulesConfig]?: Partial<RulesConfig[K]> } = {}): RulesConfig {
  const base = loadRulesConfig();
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) out[k] = { ...(base as Record<string, object>)[k], ...v };
  return out as RulesConfig;
}

export function engine(cfg: RulesConfig = config()): RulesEngine {
  return new RulesEngine({ region: rulesRegionOf(tongguan()), config: cfg, tz: TZ });
}

/** ISO with +08:00 from a local "2026-11-20 10:15" style string or ms. */
export function iso(t: number | string): string {
  const ms = typeof t === 'number' ? t : Date.parse(`${t.replace(' ', 'T')}+08:00`);
  const local = new Date(ms + 8 * HOUR).toISOString().slice(0, -1);
  return `${local}+08:00`;
}
export const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}+08:00`);

/** Folds a list of changes into the final state of each warning. */
export function fold(changes: readonly WarningChange[], into = new Map<string, Warning>()): Map<string, Warning> {
  for (const c of changes) into.set(c.warning.id, c.warning);
  return into;
}

export function gridOf(i: number) {
  const f = tongguan().grids.features[i]!.properties;
  const cam = tongguan().cameras.find((c) => c.gridId === f.code);
  return { id: f.code, townCode: f.townCode, point: cam ? { lon: cam.lon, lat: cam.lat } : null, cameras: tongguan().cameras.filter((c) => c.gridId === f.code) };
}

let n = 0;
export function callRec(over: Partial<EventOf<'police.calls'>> & { receivedAt: string }): StoredRecord {
  const g = gridOf(3);
  return stored({ topic: 'police.calls', value: {
    id: `T${n++}`, category: 'traffic', priority: 3, summary: '测试', location: { lon: g.point!.lon, lat: g.point!.lat }, gridId: g.id, ...over,
  } });
}

export function alertRec(over: Partial<EventOf<'camera.alerts'>> & { occurredAt: string; cameraId: string }): StoredRecord {
  return stored({ topic: 'camera.alerts', value: { id: `A${n++}`, type: 'crowd', confidence: 0.9, ...over } });
}

export function caseRec(over: Partial<EventOf<'case.status'>> & { caseId: string; changedAt: string }): StoredRecord {
  return stored({ topic: 'case.status', value: { kind: 'dispute', category: 'neighbor', status: 'registered', level: 'grid', risk: 'blue', gridId: gridOf(7).id, ...over } });
}

export function dispatchRec(incidentId: string, atIso: string): StoredRecord {
  return stored({ topic: 'dispatch.commands', value: { id: `D-${incidentId}-${n++}`, incidentId, unitId: tongguan().units[0]!.id, by: 'duty', at: atIso } });
}

export function unitRec(incidentId: string, atIso: string, status: EventOf<'unit.status'>['status']): StoredRecord {
  return stored({ topic: 'unit.status', value: { unitId: tongguan().units[0]!.id, at: atIso, status, incidentId } });
}

/** The simulated county's events for [startMs, startMs + hours), as stored records with their times. */
export function simulate(startMs: number, hours: number, seed = 610522): { t: number; rec: StoredRecord }[] {
  const m = new CountyModel(tongguan(), seed, TZ);
  const h0 = Math.floor(startMs / HOUR);
  const out: { t: number; rec: StoredRecord }[] = [];
  for (let h = h0; h < h0 + hours; h++) for (const e of m.eventsInHour(h, false)) out.push({ t: e.t, rec: stored(e.event) });
  return out;
}

/** A compact, comparable view of a warning. */
export const view = (w: Warning) => ({ id: w.id, rule: w.rule, colour: w.colour, raisedAt: w.raisedAt, resolvedAt: w.resolvedAt, subject: w.subject, reason: w.reason });
