/**
 * The wall benchmark's events: the back-fill (calls spread over the last hours, unit
 * positions, open cases, recent camera alerts) and the live driver that sends a fixed
 * number of deltas per second. Every POST to /api/ingest/<topic> is one pipeline batch and
 * so one wall delta; the driver therefore sends one POST per delta, each with one event,
 * open-loop (on schedule, whether or not earlier POSTs have been answered, up to a cap).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ALERT_TYPES, CALL_CATEGORIES, CASE_CATEGORIES, CASE_KINDS, CASE_LEVELS, RISKS, UNIT_STATUSES,
  type CallCategory, type EventOf, type Topic,
} from '@watchfloor/config/contracts';
import { mulberry32 } from '@watchfloor/config/random';
import type { SyntheticRegion } from './synthetic-region';

export type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const iso = (t: number) => new Date(t).toISOString();

/** Common categories more often than rare ones, as on a real call log. */
const CATEGORY_WEIGHTS: [CallCategory, number][] = [
  ['traffic', 20], ['dispute.family', 12], ['dispute.neighbor', 10], ['public_order', 10], ['help', 12], ['fraud', 8],
  ['criminal', 6], ['dispute.debt', 4], ['dispute.land', 4], ['dispute.labor', 3], ['fire', 2], ['other', 9],
];
const CATEGORY_TOTAL = CATEGORY_WEIGHTS.reduce((a, [, w]) => a + w, 0);
function category(r: Rng): CallCategory {
  let x = r() * CATEGORY_TOTAL;
  for (const [c, w] of CATEGORY_WEIGHTS) if ((x -= w) < 0) return c;
  return CALL_CATEGORIES[0];
}

export function makeCall(sr: SyntheticRegion, r: Rng, id: string, t: number): EventOf<'police.calls'> {
  const p = sr.randomPoint(r);
  const x = r();
  return {
    id, receivedAt: iso(t), category: category(r), priority: x < 0.1 ? 1 : x < 0.4 ? 2 : 3,
    summary: '报警人称有纠纷，请求处置', location: { lon: p.lon, lat: p.lat, address: '某镇某村' }, source: 'phone',
  };
}

export interface Poster {
  post(topic: Topic, items: unknown[]): Promise<void>;
}

export function poster(baseUrl: string, token: string): Poster {
  return {
    async post(topic, items) {
      const r = await fetch(`${baseUrl}/api/ingest/${topic}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(items) });
      const body = (await r.json()) as { accepted?: number; rejected?: { reason: string }[] };
      if (r.status !== 200 || body.rejected?.length) throw new Error(`POST ${topic}: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
    },
  };
}

export interface BackfillResult { calls: number; callsToday: number; seconds: number; callsPerSec: number }

/**
 * `n` calls evenly over the last `hours` (newest a minute ago), POSTed in chunks; plus a
 * position for every unit, `cases` open cases and an hour of camera alerts.
 */
export async function backfill(sr: SyntheticRegion, p: Poster, opts: { calls: number; hours: number; chunk: number; dayStart: number; cases: number; alerts: number; seed: number }): Promise<BackfillResult> {
  const r = mulberry32(opts.seed);
  const end = Date.now() - 60_000;
  const span = opts.hours * 3_600_000;
  let today = 0;
  const t0 = performance.now();
  for (let i = 0; i < opts.calls; i += opts.chunk) {
    const items = [];
    for (let k = i; k < Math.min(opts.calls, i + opts.chunk); k++) {
      const t = end - span + Math.floor(((k + r()) / opts.calls) * span);
      if (t >= opts.dayStart) today++;
      items.push(makeCall(sr, r, `BF-${opts.seed}-${k}`, t));
    }
    await p.post('police.calls', items);
  }
  const seconds = (performance.now() - t0) / 1000;
  const now = Date.now();
  await p.post('unit.status', sr.region.units.map((u) => ({ unitId: u.id, at: iso(now - 120_000), status: 'available', position: { lon: u.lon, lat: u.lat } })));
  await p.post('case.status', Array.from({ length: opts.cases }, (_, k) => ({
    caseId: `BFC-${opts.seed}-${k}`, changedAt: iso(now - Math.floor(r() * 20 * 86_400_000)), kind: pick(r, CASE_KINDS), category: pick(r, CASE_CATEGORIES),
    status: pick(r, ['registered', 'mediating', 'escalated'] as const), level: pick(r, CASE_LEVELS), risk: pick(r, RISKS), gridId: pick(r, sr.cells).code,
  })));
  await p.post('camera.alerts', Array.from({ length: opts.alerts }, (_, k) => ({
    id: `BFA-${opts.seed}-${k}`, cameraId: pick(r, sr.region.cameras).id, occurredAt: iso(now - Math.floor(r() * 3_500_000)),
    type: pick(r, ALERT_TYPES.filter((a) => a !== 'camera_offline')), confidence: 0.9,
  })));
  return { calls: opts.calls, callsToday: today, seconds, callsPerSec: opts.calls / seconds };
}

/** Share of deltas per topic; each delta is one POST with one event. */
export type Mix = Partial<Record<Topic, number>>;
export const DEFAULT_MIX: Mix = { 'police.calls': 40, 'unit.status': 30, 'camera.alerts': 20, 'dispatch.commands': 5, 'case.status': 5 };

export function parseMix(s: string | undefined): Mix {
  if (!s) return DEFAULT_MIX;
  const alias: Record<string, Topic> = { calls: 'police.calls', units: 'unit.status', alerts: 'camera.alerts', dispatch: 'dispatch.commands', cases: 'case.status' };
  return Object.fromEntries(s.split(',').map((kv) => {
    const [k, v] = kv.split(':');
    return [alias[k!.trim()] ?? k!.trim(), Number(v)];
  }));
}

/** A deterministic, evenly interleaved schedule of topics (smooth weighted round-robin). */
function schedule(mix: Mix): () => Topic {
  const entries = Object.entries(mix).filter(([, w]) => (w ?? 0) > 0) as [Topic, number][];
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const current = new Map(entries.map(([t]) => [t, 0]));
  return () => {
    let best: Topic = entries[0]![0];
    for (const [t, w] of entries) {
      current.set(t, current.get(t)! + w);
      if (current.get(t)! > current.get(best)!) best = t;
    }
    current.set(best, current.get(best)! - total);
    return best;
  };
}

export type EventSource = (now: number) => { topic: Topic; event: unknown };

/** Live events in the order and proportions of `mix`, deterministic for a seed. */
export function eventSource(sr: SyntheticRegion, opts: { mix: Mix; seed: number }): EventSource {
  const r = mulberry32(opts.seed);
  const next = schedule(opts.mix);
  const recentCalls: string[] = [];
  const unitPos = new Map(sr.region.units.map((u) => [u.id, { lon: u.lon, lat: u.lat }]));
  let n = 0;
  return (now) => {
    const topic = next();
    const id = `LV-${opts.seed}-${n++}`;
    switch (topic) {
      case 'police.calls': {
        recentCalls.push(id);
        if (recentCalls.length > 200) recentCalls.shift();
        return { topic, event: makeCall(sr, r, id, now) };
      }
      case 'unit.status': {
        const u = pick(r, sr.region.units);
        const pos = unitPos.get(u.id)!;
        pos.lon += (r() - 0.5) * 0.002;
        pos.lat += (r() - 0.5) * 0.002;
        const status = pick(r, UNIT_STATUSES.filter((s) => s !== 'off_duty'));
        return { topic, event: { unitId: u.id, at: iso(now), status, position: { ...pos }, ...(recentCalls.length && r() < 0.5 ? { incidentId: pick(r, recentCalls) } : {}) } };
      }
      case 'camera.alerts':
        return { topic, event: { id, cameraId: pick(r, sr.region.cameras).id, occurredAt: iso(now), type: r() < 0.05 ? 'camera_offline' : pick(r, ALERT_TYPES.filter((a) => a !== 'camera_offline')), confidence: 0.85 } };
      case 'dispatch.commands':
        return { topic, event: { id, incidentId: recentCalls.length ? pick(r, recentCalls) : id, unitId: pick(r, sr.region.units).id, by: 'bench', at: iso(now) } };
      case 'case.status':
        return {
          topic,
          event: {
            caseId: `LVC-${opts.seed}-${Math.floor(r() * 400)}`, changedAt: iso(now), kind: pick(r, CASE_KINDS), category: pick(r, CASE_CATEGORIES),
            status: pick(r, ['registered', 'mediating', 'escalated', 'resolved'] as const), level: pick(r, CASE_LEVELS), risk: pick(r, RISKS), gridId: pick(r, sr.cells).code,
          },
        };
      default:
        throw new Error(`no generator for ${topic}`);
    }
  };
}

export interface DriverStats { sent: number; done: number; failed: number; byTopic: Record<string, number>; maxInFlight: number; lateTicks: number; postMs: number[]; firstError: string | null }

export interface Driver {
  stats(): DriverStats;
  /** Stops sending and waits for what is in flight. */
  stop(): Promise<DriverStats>;
}

/**
 * Sends `rate` events per second (ticks every `tickMs`), open-loop. `send` returns a promise
 * for asynchronous sends (POSTs: at most `maxInFlight` outstanding) or nothing.
 */
export function startDriver(next: EventSource, send: (topic: Topic, event: unknown) => Promise<void> | void, opts: { rate: number; tickMs?: number; maxInFlight?: number }): Driver {
  const tickMs = opts.tickMs ?? 100;
  const maxInFlight = opts.maxInFlight ?? 64;
  const st: DriverStats = { sent: 0, done: 0, failed: 0, byTopic: {}, maxInFlight: 0, lateTicks: 0, postMs: [], firstError: null };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const one = () => {
    const { topic, event } = next(Date.now());
    const t0 = performance.now();
    st.sent++;
    st.byTopic[topic] = (st.byTopic[topic] ?? 0) + 1;
    let r: Promise<void> | void;
    try {
      r = send(topic, event);
    } catch (err) {
      st.failed++;
      st.firstError ??= (err as Error).message;
      return;
    }
    if (!r) { st.done++; return; }
    const pr: Promise<void> = r.then(
      () => { st.done++; st.postMs.push(performance.now() - t0); },
      (err: Error) => { st.failed++; st.firstError ??= err.message; },
    ).finally(() => inFlight.delete(pr));
    inFlight.add(pr);
    st.maxInFlight = Math.max(st.maxInFlight, inFlight.size);
  };

  const start = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const due = Math.floor(((performance.now() - start) / 1000) * opts.rate);
      // A tick that finds more than one tick's worth due means the sender fell behind.
      if (due - st.sent > Math.ceil(opts.rate * (tickMs / 1000))) st.lateTicks++;
      while (st.sent < due && inFlight.size < maxInFlight) one();
      await sleep(tickMs - ((performance.now() - start) % tickMs));
    }
  })();

  return {
    stats: () => ({ ...st, byTopic: { ...st.byTopic } }),
    async stop() {
      stopped = true;
      await loop;
      await Promise.all([...inFlight]);
      return { ...st, byTopic: { ...st.byTopic } };
    },
  };
}
