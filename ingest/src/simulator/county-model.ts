/**
 * A live county, as a pure function of (seed, hour): the events whose time falls in a
 * given hour. Calls, camera alerts, dispute cases on the 四级七天 ladder, dispatches and
 * unit movements all derive from per-hour seeded draws, so any process generating hour H
 * produces exactly the same events with the same ids (restarts and several simulators
 * are harmless: the store sees redeliveries).
 */
import {
  CASE_CATEGORIES, CASE_LEVELS, type AnyEvent, type CallCategory, type EventOf, type Risk,
} from '@watchfloor/config/contracts';
import { geometryBBox, pointInPolygon, type Region, type Unit } from '@watchfloor/config/region';
import { toZonedIso, zonedParts } from '@watchfloor/config/time';
import {
  ALERTS_PER_CAMERA_PER_DAY, ALERT_MIX, CALLS_PER_DAY_PER_10K, CALL_MIX, DISPUTE_CALL_BECOMES_CASE, HOURLY_CALLS,
  MEAN_HOURS_AT_LEVEL, PRIORITY_BY_CATEGORY, RESOLVE_AT_LEVEL, RISK_MIX, SCREENED_CASES_PER_DAY, SUMMARIES, TROUBLED_HOUSEHOLD_SHARE, WEEKDAY_CALLS,
} from './profile';
import { exponential, pick, poisson, rngFor, weighted, type Rng } from './random';

const HOUR = 3_600_000;
/** Who the model's own dispatches come from (the field-unit obeyer leaves these alone: the model carries their reports). */
export const SIM_DISPATCHER = '指挥中心';
const MIN = 60_000;
/** How far back a case created earlier may still change (longest trajectory incl. 回访). */
const CASE_HORIZON_HOURS = 24 * 21;
const RESPONSE_HORIZON_HOURS = 4;

export interface SimEvent { t: number; event: AnyEvent }

interface GridSite {
  id: string; villageCode: string; townCode: string; name: string; villageName: string; townName: string;
  weight: number; bbox: [number, number, number, number]; geometry: Region['grids']['features'][number]['geometry'];
}

interface SimCall { t: number; value: EventOf<'police.calls'>; grid: GridSite; hour: number; index: number }
/** A call's response as first drawn: its unit and times, before the unit's other calls are looked at. */
interface Draft { unit: Unit; tDispatch: number; tScene: number; tFree: number }

/** Gap kept between two responses of one unit (the patrol pings keep a minute off a response too). */
const RESPONSE_GAP = 2 * MIN;
/** The longest response, call to release: shorter than the horizon the model looks back over. */
const MAX_RESPONSE = 3 * HOUR;

export class CountyModel {
  private readonly grids: GridSite[];
  private readonly gridWeights: (readonly [GridSite, number])[];
  private readonly totalPopulation: number;
  private readonly responders: Map<string, Unit[]>;
  private readonly callCache = new Map<number, SimCall[]>();
  private readonly caseCache = new Map<number, SimEvent[][]>();
  private readonly draftCache = new Map<number, (Draft | null)[]>();
  /**
   * The seed in every id: two counties simulated with different seeds are different events
   * (a day recorded under one seed and replayed into a server simulating another is new
   * there), while the same seed regenerates the same ids (restarts are redeliveries).
   */
  private readonly tag: string;

  constructor(private readonly region: Region, private readonly seed: number, private readonly tz: string) {
    this.tag = `s${seed.toString(36)}`;
    const villageName = new Map(region.villages.features.map((f) => [f.properties.code, f.properties.name]));
    const townName = new Map(region.towns.features.map((f) => [f.properties.code, f.properties.name]));
    this.grids = region.grids.features.map((f) => ({
      id: f.properties.code, villageCode: f.properties.villageCode, townCode: f.properties.townCode, name: f.properties.name,
      villageName: villageName.get(f.properties.villageCode) ?? '', townName: townName.get(f.properties.townCode) ?? '',
      // Urban grids call more per head (density, traffic, night life).
      weight: f.properties.population * (f.properties.kind === 'urban' ? 1.6 : 1),
      bbox: geometryBBox(f.geometry), geometry: f.geometry,
    }));
    this.gridWeights = this.grids.map((g) => [g, g.weight] as const);
    this.totalPopulation = region.grids.features.reduce((a, f) => a + f.properties.population, 0);
    this.responders = new Map();
    for (const u of region.units) {
      if (u.kind !== 'patrol_car' && u.kind !== 'community_officer') continue;
      const list = this.responders.get(u.townCode) ?? [];
      list.push(u);
      this.responders.set(u.townCode, list);
    }
  }

  /** All events with time in [hour*1h, (hour+1)*1h), sorted by time. `live` adds patrol position pings. */
  eventsInHour(hour: number, live: boolean): SimEvent[] {
    const out: SimEvent[] = [];
    for (const c of this.callsInHour(hour)) out.push({ t: c.t, event: { topic: 'police.calls', value: c.value } });
    const lo = hour * HOUR;
    const hi = lo + HOUR;
    const inHour = (e: SimEvent) => e.t >= lo && e.t < hi;
    for (let h = hour - RESPONSE_HORIZON_HOURS; h <= hour; h++) {
      for (const c of this.callsInHour(h)) out.push(...this.response(c).filter(inHour));
    }
    out.push(...this.alertsInHour(hour));
    for (let h = hour - CASE_HORIZON_HOURS; h <= hour; h++) {
      for (const trajectory of this.casesCreatedInHour(h)) out.push(...trajectory.filter(inHour));
    }
    if (live) out.push(...this.patrolPings(hour));
    return out.sort((a, b) => a.t - b.t);
  }

  /** Every unit at its base, available: the state a fresh store starts from. */
  initialUnits(at: number): SimEvent[] {
    return this.region.units.map((u) => ({
      t: at,
      event: { topic: 'unit.status', value: { unitId: u.id, at: this.iso(at), status: 'available', position: { lon: u.lon, lat: u.lat } } },
    }));
  }

  private iso(t: number): string {
    return toZonedIso(new Date(t), this.tz);
  }

  private intensity(hour: number): number {
    const p = zonedParts(new Date(hour * HOUR), this.tz);
    return (HOURLY_CALLS[p.hour] ?? 1) * (WEEKDAY_CALLS[p.weekday] ?? 1);
  }

  private pointIn(rng: Rng, g: GridSite): [number, number] {
    const [a, b, c, d] = g.bbox;
    for (let i = 0; i < 60; i++) {
      const lon = a + rng() * (c - a);
      const lat = b + rng() * (d - b);
      if (pointInPolygon(lon, lat, g.geometry)) return [round6(lon), round6(lat)];
    }
    return [round6((a + c) / 2), round6((b + d) / 2)];
  }

  private callsInHour(hour: number): SimCall[] {
    const cached = this.callCache.get(hour);
    if (cached) return cached;
    const rng = rngFor(this.seed, 'calls', hour);
    const mean = (CALLS_PER_DAY_PER_10K * this.totalPopulation) / 10_000 / 24 * this.intensity(hour);
    const n = poisson(rng, mean);
    const calls: SimCall[] = [];
    for (let i = 0; i < n; i++) {
      const t = hour * HOUR + Math.floor(rng() * HOUR);
      const category = weighted(rng, CALL_MIX);
      // Some disputes come back from the same household: what the 民转刑 rule is there to catch.
      const household = category.startsWith('dispute.') && rng() < TROUBLED_HOUSEHOLD_SHARE ? this.troubledHousehold(hour, rng) : null;
      const grid = household?.grid ?? weighted(rng, this.gridWeights);
      const [lon, lat] = household?.point ?? this.pointIn(rng, grid);
      const place = `${grid.villageName}`;
      const value: EventOf<'police.calls'> = {
        id: `C${this.tag}-${hour}-${String(i).padStart(3, '0')}`,
        receivedAt: this.iso(t),
        category,
        priority: weighted(rng, PRIORITY_BY_CATEGORY[category]),
        summary: pick(rng, SUMMARIES[category]).replace('{place}', place),
        location: { lon, lat, address: `${grid.townName}${grid.villageName}${1 + Math.floor(rng() * 120)}号` },
        callerPhone: household?.phone ?? mobile(rng),
        source: weighted(rng, [['phone', 86], ['sms', 4], ['app', 7], ['video', 3]] as const),
      };
      calls.push({ t, value, grid, hour, index: i });
    }
    calls.sort((a, b) => a.t - b.t);
    remember(this.callCache, hour, calls, CASE_HORIZON_HOURS + 48);
    return calls;
  }

  /** One of a dozen households per fortnight whose disputes recur. */
  private troubledHousehold(hour: number, rng: Rng): { grid: GridSite; point: [number, number]; phone: string } {
    const period = Math.floor(hour / (24 * 14));
    const k = Math.floor(rng() * 12);
    const hr = rngFor(this.seed, 'household', period, k);
    const grid = weighted(hr, this.gridWeights);
    return { grid, point: this.pointIn(hr, grid), phone: mobile(hr) };
  }

  /** The call's response as drawn from its own seed alone (null: nobody is sent). */
  private draft(c: SimCall): Draft | null {
    let drafts = this.draftCache.get(c.hour);
    if (!drafts) remember(this.draftCache, c.hour, (drafts = []), CASE_HORIZON_HOURS + 48);
    if (drafts[c.index] !== undefined) return drafts[c.index]!;
    const rng = rngFor(this.seed, 'response', c.hour, c.index);
    const cat = c.value.category;
    const pool = this.responders.get(c.grid.townCode) ?? [];
    let d: Draft | null = null;
    if (!(cat === 'other' || (cat === 'fraud' && rng() < 0.7)) && pool.length > 0) {
      const { lon, lat } = c.value.location;
      const nearest = [...pool].sort((a, b) => dist2(a, lon, lat) - dist2(b, lon, lat)).slice(0, 2);
      const unit = pick(rng, nearest);
      const delay = (c.value.priority === 1 ? 0.6 : 1.5) * MIN + exponential(rng, c.value.priority === 1 ? 0.7 * MIN : 3 * MIN);
      const tDispatch = c.t + Math.round(delay);
      const km = Math.sqrt(dist2(unit, lon, lat)) * 100;
      const tScene = tDispatch + Math.round((km / 40) * HOUR + 2 * MIN + exponential(rng, 3 * MIN));
      const tFree = Math.min(c.t + MAX_RESPONSE, tScene + Math.round(8 * MIN + exponential(rng, 22 * MIN)));
      d = tScene < tFree ? { unit, tDispatch, tScene, tFree } : null;
    }
    drafts[c.index] = d;
    return d;
  }

  /**
   * Whether an earlier call's draft wants the same unit at an overlapping time: then this call
   * gets nobody from the model (it waits for the console). A unit works one incident at a time,
   * and is released from it by name before the next (the transitions the store checks,
   * config/src/contracts/unit-transitions.ts). Judged against the earlier drafts, not their
   * outcomes, so each call's answer is a function of the few hours before it: the model stays
   * a pure function of (seed, hour), and no two kept responses of one unit overlap.
   */
  private unitTaken(c: SimCall, d: Draft): boolean {
    for (let h = c.hour - RESPONSE_HORIZON_HOURS; h <= c.hour; h++) {
      for (const o of this.callsInHour(h)) {
        if (o.t > c.t || (o.t === c.t && (o.hour > c.hour || (o.hour === c.hour && o.index >= c.index)))) continue;
        const od = this.draft(o);
        if (od && od.unit.id === d.unit.id && od.tDispatch <= d.tFree + RESPONSE_GAP && d.tDispatch <= od.tFree + RESPONSE_GAP) return true;
      }
    }
    return false;
  }

  /** Dispatch → en route → on scene → released, for calls that get a unit. */
  private response(c: SimCall): SimEvent[] {
    const d = this.draft(c);
    if (!d || this.unitTaken(c, d)) return [];
    const { unit, tDispatch, tScene, tFree } = d;
    const { lon, lat } = c.value.location;
    const id = c.value.id;
    const unitEvent = (t: number, status: EventOf<'unit.status'>['status'], pos?: { lon: number; lat: number }): SimEvent => ({
      t, event: { topic: 'unit.status', value: { unitId: unit.id, at: this.iso(t), status, incidentId: id, ...(pos ? { position: pos } : {}) } },
    });
    return [
      { t: tDispatch, event: { topic: 'dispatch.commands', value: { id: `D-${id}`, incidentId: id, unitId: unit.id, by: SIM_DISPATCHER, at: this.iso(tDispatch), instruction: '请立即前往处置' } } },
      unitEvent(tDispatch + 20_000, 'en_route', { lon: unit.lon, lat: unit.lat }),
      unitEvent(tScene, 'on_scene', { lon, lat }),
      unitEvent(tFree, 'available', { lon, lat }),
    ];
  }

  private alertsInHour(hour: number): SimEvent[] {
    const rng = rngFor(this.seed, 'alerts', hour);
    const cams = this.region.cameras;
    if (cams.length === 0) return [];
    const mean = (cams.length * ALERTS_PER_CAMERA_PER_DAY) / 24 * Math.sqrt(this.intensity(hour));
    const out: SimEvent[] = [];
    const emit = (t: number, camIdx: number, type: EventOf<'camera.alerts'>['type'], k: string) => {
      const cam = cams[camIdx]!;
      out.push({ t, event: { topic: 'camera.alerts', value: {
        id: `A${this.tag}-${hour}-${k}`, cameraId: cam.id, occurredAt: this.iso(t), type,
        confidence: Math.round((0.6 + rng() * 0.39) * 100) / 100,
      } } });
    };
    const n = poisson(rng, mean);
    for (let i = 0; i < n; i++) emit(hour * HOUR + Math.floor(rng() * HOUR), Math.floor(rng() * cams.length), weighted(rng, ALERT_MIX), String(i).padStart(3, '0'));
    // Now and then a crowd gathers: several cameras of one grid flag it within minutes.
    if (rng() < 0.06) {
      const anchor = Math.floor(rng() * cams.length);
      const grid = cams[anchor]!.gridId;
      const nearby = cams.map((c, i) => [c, i] as const).filter(([c]) => c.gridId === grid).map(([, i]) => i);
      const start = hour * HOUR + Math.floor(rng() * (HOUR - 20 * MIN));
      const k = 4 + Math.floor(rng() * 3);
      for (let i = 0; i < k; i++) emit(start + Math.floor(rng() * 18 * MIN), pick(rng, nearby), 'crowd', `crowd-${i}`);
    }
    return out;
  }

  /** Cases opened in an hour, each as its whole trajectory of status changes. */
  private casesCreatedInHour(hour: number): SimEvent[][] {
    const cached = this.caseCache.get(hour);
    if (cached) return cached;
    const out: SimEvent[][] = [];
    remember(this.caseCache, hour, out, CASE_HORIZON_HOURS + 48);
    for (const c of this.callsInHour(hour)) {
      if (!c.value.category.startsWith('dispute.')) continue;
      const rng = rngFor(this.seed, 'case-from-call', hour, c.index);
      if (rng() >= DISPUTE_CALL_BECOMES_CASE) continue;
      const category = c.value.category.slice('dispute.'.length) as (typeof CASE_CATEGORIES)[number];
      out.push(this.caseTrajectory(rng, `MD${this.tag}-${hour}-${c.index}`, c.t + Math.round((1 + rng() * 2) * HOUR), category, 'dispute', c.grid, c.value.id));
    }
    const p = zonedParts(new Date(hour * HOUR), this.tz);
    // Screening (日排查) happens in working hours on working days.
    if (p.weekday >= 1 && p.weekday <= 5 && p.hour >= 8 && p.hour < 18) {
      const rng = rngFor(this.seed, 'case-screened', hour);
      const n = poisson(rng, SCREENED_CASES_PER_DAY / 10);
      for (let i = 0; i < n; i++) {
        const grid = weighted(rng, this.gridWeights);
        const kind = rng() < 0.12 ? 'petition' : 'dispute';
        out.push(this.caseTrajectory(rng, `MS${this.tag}-${hour}-${i}`, hour * HOUR + Math.floor(rng() * HOUR), pick(rng, CASE_CATEGORIES), kind, grid));
      }
    }
    return out;
  }

  private caseTrajectory(rng: Rng, caseId: string, t0: number, category: (typeof CASE_CATEGORIES)[number], kind: 'dispute' | 'petition',
    grid: GridSite, relatedCallId?: string): SimEvent[] {
    let risk: Risk = weighted(rng, RISK_MIX);
    const events: SimEvent[] = [];
    const push = (t: number, status: EventOf<'case.status'>['status'], level: (typeof CASE_LEVELS)[number], note?: string) => {
      events.push({ t, event: { topic: 'case.status', value: {
        caseId, changedAt: this.iso(t), kind, category, status, level, risk, gridId: grid.id,
        assignee: `${LEVEL_ROLE[level]}(${level === 'grid' ? grid.name : level === 'village' ? grid.villageName : level === 'town' ? grid.townName : '县综治中心'})`,
        ...(note ? { note } : {}), ...(relatedCallId ? { relatedCallId } : {}),
      } } });
    };
    push(t0, 'registered', 'grid');
    let t = t0 + Math.round((0.2 + rng()) * HOUR);
    push(t, 'mediating', 'grid');
    for (let li = 0; li < CASE_LEVELS.length; li++) {
      const level = CASE_LEVELS[li]!;
      t += Math.round(exponential(rng, MEAN_HOURS_AT_LEVEL[li]!) * HOUR);
      if (rng() < RESOLVE_AT_LEVEL[li]!) {
        push(t, 'resolved', level, '调解成功，双方达成一致');
        const tClose = t + Math.round((48 + rng() * 48) * HOUR);
        push(tClose, 'closed', level, '已回访，当事人满意');
        if (rng() < 0.02) {
          const tRe = tClose + Math.round((24 + rng() * 72) * HOUR);
          push(tRe, 'reopened', level, '当事人反映问题反复');
          push(tRe + Math.round((10 + rng() * 30) * HOUR), 'resolved', level, '再次调解成功');
        }
        return events;
      }
      const next = CASE_LEVELS[li + 1];
      if (!next) break; // unresolved at county level: stays mediating
      // An escalation now and then sharpens the risk (the red_case rule's few a week).
      if (risk !== 'red' && rng() < 0.15) risk = risk === 'blue' ? 'yellow' : 'red';
      push(t, 'escalated', next, `${LEVEL_NAME[level]}调解未果，上报${LEVEL_NAME[next]}`);
      t += Math.round((0.5 + rng() * 2) * HOUR);
      push(t, 'mediating', next);
    }
    return events;
  }

  private patrolPings(hour: number): SimEvent[] {
    const cars = this.region.units.filter((u) => u.kind === 'patrol_car');
    const busy = new Map<string, [number, number][]>();
    for (let h = hour - RESPONSE_HORIZON_HOURS; h <= hour; h++) {
      for (const c of this.callsInHour(h)) {
        const r = this.response(c);
        if (r.length === 0) continue;
        const unitId = (r[1]!.event.value as EventOf<'unit.status'>).unitId;
        const spans = busy.get(unitId) ?? [];
        spans.push([r[0]!.t, r[r.length - 1]!.t]);
        busy.set(unitId, spans);
      }
    }
    const out: SimEvent[] = [];
    for (let m = 0; m < 60; m++) {
      const t = hour * HOUR + m * MIN;
      for (const [k, u] of cars.entries()) {
        if (busy.get(u.id)?.some(([a, b]) => t >= a - MIN && t <= b + MIN)) continue;
        // A slow loop of ~1 km around the car's base, phase-shifted per car.
        const phase = (t / (40 * MIN) + k / cars.length) * 2 * Math.PI;
        const position = { lon: round6(u.lon + 0.008 * Math.cos(phase)), lat: round6(u.lat + 0.006 * Math.sin(phase)) };
        out.push({ t, event: { topic: 'unit.status', value: { unitId: u.id, at: this.iso(t), status: 'available', position } } });
      }
    }
    return out;
  }
}

const LEVEL_NAME = { grid: '网格', village: '村(社区)', town: '镇(街道)', county: '县' } as const;
const LEVEL_ROLE = { grid: '网格员', village: '村调委会', town: '镇综治中心', county: '县综治中心' } as const;

/** Caches an hour's draws; the oldest entry goes once the cache spans more than the model looks back. */
function remember<V>(cache: Map<number, V>, hour: number, value: V, max: number): void {
  cache.set(hour, value);
  if (cache.size > max) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function dist2(u: { lon: number; lat: number }, lon: number, lat: number): number {
  const dx = (u.lon - lon) * Math.cos((lat * Math.PI) / 180);
  const dy = u.lat - lat;
  return dx * dx + dy * dy;
}

function mobile(rng: Rng): string {
  const prefix = pick(rng, ['133', '135', '136', '138', '139', '150', '151', '153', '155', '158', '159', '177', '180', '182', '186', '187', '189', '191', '199']);
  return prefix + String(Math.floor(rng() * 1e8)).padStart(8, '0');
}

export type { CallCategory };
