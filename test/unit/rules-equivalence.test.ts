/**
 * The engine's central promise: the warnings are a function of the events alone. Five
 * simulated weeks of the county (four of history, one of interest, with a few injected
 * incidents so that every rule fires) are fed
 *   A. all at once, sorted by event time, then one sweep at the end (a recompute);
 *   B. as a live feed: per-topic batches of 5–15 s of arrivals, each event delayed by up to
 *      10 s (so at most 25 s late, within the 30 s reorder allowance), batches in random
 *      topic order and shuffled inside, 2 % of events delivered twice (some hours later),
 *      and a sweep every simulated 5 minutes;
 *   C. as B, but with the clock advanced by sweeps only (advanceOnIngest false).
 * All three must end with exactly the same warnings: ids, rule, colour, times, reasons,
 * evidence, figures, resolved or not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyEvent } from '@watchfloor/config/contracts';
import type { Warning, WarningChange } from '@watchfloor/config/rules';
import type { StoredRecord } from '@watchfloor/ingest/records';
import type { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { tongguan } from '../support/region';
import { at, config, DAY, engine, fold, gridOf, HOUR, iso, MIN, simulate, stored } from '../support/rules';

const START = at('2026-10-26 00:00'); // Monday; the week of interest is Nov 23–29
const END = START + 35 * DAY;
const WEEK5 = START + 28 * DAY;

/** Incidents the simulated county is too calm to produce on its own. */
function injected(): { t: number; rec: StoredRecord }[] {
  const out: { t: number; rec: StoredRecord }[] = [];
  const add = (t: number, e: AnyEvent) => out.push({ t, rec: stored(e) });
  // A grid surge: 9 calls in 45 minutes on Tuesday evening.
  const g = gridOf(12);
  for (let i = 0; i < 9; i++) {
    const t = WEEK5 + DAY + 19 * HOUR + i * 5 * MIN + 17_000;
    add(t, { topic: 'police.calls', value: { id: `INJ-G${i}`, receivedAt: iso(t), category: 'public_order', priority: 2, summary: '聚众', location: g.point!, gridId: g.id } });
  }
  // A fraud wave county-wide on Wednesday morning.
  for (let i = 0; i < 12; i++) {
    const t = WEEK5 + 2 * DAY + 9 * HOUR + i * 4 * MIN;
    const gi = gridOf(30 + i * 11);
    add(t, { topic: 'police.calls', value: { id: `INJ-F${i}`, receivedAt: iso(t), category: 'fraud', priority: 2, summary: '冒充客服', location: gi.point ?? g.point!, gridId: gi.id } });
  }
  // A power cut takes 15 % of one town's cameras offline on Thursday; they come back over the afternoon.
  const town = tongguan().cameras[0]!.townCode;
  const cams = tongguan().cameras.filter((c) => c.townCode === town);
  const k = Math.ceil(cams.length * 0.15);
  for (let i = 0; i < k; i++) {
    const t0 = WEEK5 + 3 * DAY + 11 * HOUR + i * 20_000;
    add(t0, { topic: 'camera.alerts', value: { id: `INJ-O${i}`, cameraId: cams[i]!.id, occurredAt: iso(t0), type: 'camera_offline', confidence: 1 } });
    const t1 = WEEK5 + 3 * DAY + 14 * HOUR + i * 3 * MIN;
    add(t1, { topic: 'camera.alerts', value: { id: `INJ-B${i}`, cameraId: cams[i]!.id, occurredAt: iso(t1), type: 'intrusion', confidence: 0.7 } });
  }
  return out;
}

function feedAll(e: RulesEngine, events: { t: number; rec: StoredRecord }[]): WarningChange[] {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  return [...e.ingest(sorted.map((x) => x.rec)), ...e.sweep(END)];
}

function feedLive(e: RulesEngine, events: { t: number; rec: StoredRecord }[], seed: number): WarningChange[] {
  const rng = mulberry32(seed);
  const deliveries = events.map((x) => ({ at: x.t + Math.floor(rng() * 10_000), rec: x.rec }));
  for (const x of events) {
    // Redelivered copies, some right away, some hours later (a consumer restart).
    if (rng() < 0.02) deliveries.push({ at: x.t + (rng() < 0.5 ? Math.floor(rng() * 60_000) : Math.floor(rng() * 20 * HOUR)), rec: x.rec });
  }
  deliveries.sort((a, b) => a.at - b.at);
  const out: WarningChange[] = [];
  let i = 0;
  for (let slot = START; slot < END; ) {
    const next = slot + 5_000 + Math.floor(rng() * 10_000);
    const due: StoredRecord[] = [];
    while (i < deliveries.length && deliveries[i]!.at < next) due.push(deliveries[i++]!.rec);
    // Per-topic batches (separate consumers), in a random order, shuffled inside.
    const byTopic = new Map<string, StoredRecord[]>();
    for (const r of due) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    const batches = [...byTopic.values()].sort(() => rng() - 0.5);
    for (const b of batches) {
      for (let j = b.length - 1; j > 0; j--) {
        const k = Math.floor(rng() * (j + 1));
        [b[j], b[k]] = [b[k]!, b[j]!];
      }
      out.push(...e.ingest(b));
    }
    // The sweeps of a live deployment: every 5 simulated minutes.
    for (let s = Math.ceil(slot / (5 * MIN)) * 5 * MIN; s < next; s += 5 * MIN) out.push(...e.sweep(s));
    slot = next;
  }
  out.push(...e.ingest(deliveries.slice(i).map((d) => d.rec)), ...e.sweep(END));
  return out;
}

const sortById = (m: Map<string, Warning>) => [...m.values()].sort((a, b) => a.id.localeCompare(b.id));

test('incremental (shuffled batches, redeliveries, sweeps every 5 min) = recompute from all events sorted', () => {
  const events = [...simulate(START, 35 * 24), ...injected()];
  const a = engine();
  const A = fold(feedAll(a, events));
  const b = engine();
  const B = fold(feedLive(b, events, 7));
  const base = config();
  const c = engine(config({ engine: { ...base.engine, advanceOnIngest: false } }));
  const C = fold(feedLive(c, events, 11));

  // Every rule has something to show, in the week of interest too.
  const rules = new Set([...A.values()].map((w) => w.rule));
  assert.deepEqual([...rules].sort(), ['camera_online', 'case_deadline', 'category_surge', 'crowd_cluster', 'dispatch_delay', 'grid_surge', 'red_case', 'repeat_dispute']);
  assert.ok([...A.values()].filter((w) => w.raisedAt >= WEEK5).length > 50);
  assert.ok([...A.values()].some((w) => w.status !== 'resolved'), 'some still open at the end');
  assert.ok(b.stats().duplicates > 0 && b.stats().late === 0, JSON.stringify(b.stats()));

  console.log(`warnings: ${A.size} (${[...A.values()].filter((w) => w.raisedAt >= WEEK5).length} in week 5); live engine: ${JSON.stringify(b.stats())}`);
  assert.deepEqual(sortById(B), sortById(A));
  assert.deepEqual(sortById(C), sortById(A));
  assert.deepEqual(b.openWarnings().sort((x, y) => x.id.localeCompare(y.id)), a.openWarnings().sort((x, y) => x.id.localeCompare(y.id)));
});
