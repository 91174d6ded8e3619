/**
 * `npm run bench:rules`: rule-evaluation throughput with 500 grids, 10,000 open cases and
 * a busy county's event mix, fed as fast as the engine takes it — what the rules face when
 * ingest runs flat out at its ~20,000 events/s (catch-up after an outage, a Kafka backlog,
 * a replay). Goal: the rules add ≤ 10 % to ingest's cost per event, i.e. ≤ 5 µs/event
 * against the ~50 µs/event of ingest into PostgreSQL (bench:ingest, same machine).
 *
 * Each run builds a fresh engine and warms it (untimed) with 4 weeks of calls — the
 * hour-of-week baselines — and 10,000 open cases. Then one week of events is generated in
 * time order (calls with their dispatch/en-route/on-scene/available follow-ups, camera
 * alerts with 4 % offline notices and the odd crowd burst, case changes on the open cases
 * and a few grid surges), delivered in batches of 500 with up to 5 s of jitter, with a
 * sweep every 60 s of event time. Only the engine's ingest() and sweep() calls are timed,
 * and events are generated batch by batch so the benchmark's own data does not inflate the
 * heap the garbage collector walks. BENCH_RULES_EVENTS (400000) and BENCH_RUNS (5) tune it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRulesConfig } from '@watchfloor/config/rules';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { recordTime, type CallRecord, type StoredRecord } from '@watchfloor/ingest/records';
import { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { MinHeap } from '@watchfloor/ingest/rules/heap';
import type { RulesGrid, RulesRegion } from '@watchfloor/ingest/rules/region';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { median, writeResult } from './lib/results';

const N = Number(process.env.BENCH_RULES_EVENTS ?? 400_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GRIDS = 500;
const TOWNS = 10;
const CAMERAS = 2000;
const OPEN_CASES = 10_000;
const BATCH = 500;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const START = Date.parse('2026-11-02T00:00:00+08:00'); // the timed week (a Monday)
const BUDGET_US = 5;
// Shares of the timed week: each call brings ~2.8 follow-ups, so calls 12 % ≈ 46 % of events.
const CALL_SHARE = 0.12;
const ALERT_SHARE = 0.45;
const CASE_SHARE = 0.09;

const CATS = ['help', 'help', 'traffic', 'traffic', 'public_order', 'dispute.family', 'dispute.neighbor', 'fraud', 'criminal', 'other'] as const;
const LEVELS = ['grid', 'village', 'town', 'county'] as const;

function region(): RulesRegion {
  const towns = new Map<string, { name: string }>();
  const villages = new Map<string, { name: string; townCode: string }>();
  const grids = new Map<string, RulesGrid>();
  const cameras = new Map<string, { townCode: string; gridId: string }>();
  const rng = mulberry32(1);
  for (let t = 0; t < TOWNS; t++) towns.set(`610522${101 + t}`, { name: `第${t + 1}镇` });
  const townCodes = [...towns.keys()];
  for (let g = 0; g < GRIDS; g++) {
    const townCode = townCodes[g % TOWNS]!;
    const v = Math.floor(g / TOWNS / 10);
    const villageCode = `${townCode}${String(200 + v)}`;
    villages.set(villageCode, { name: `第${v + 1}村`, townCode });
    const n = (Math.floor(g / TOWNS) % 10) + 1;
    grids.set(`${villageCode}-${String(n).padStart(2, '0')}`, { name: `第${n}网格`, villageCode, townCode, population: 300 + Math.floor(rng() * 700) });
  }
  const gridIds = [...grids.keys()];
  for (let c = 0; c < CAMERAS; c++) {
    const gridId = gridIds[c % GRIDS]!;
    cameras.set(`CAM${c}`, { townCode: grids.get(gridId)!.townCode, gridId });
  }
  return { countyCode: '610522', countyName: '潼关县', towns, villages, grids, cameras };
}

interface Timed { at: number; seq: number; rec: StoredRecord }

/** A busy county in event-time order, batch by batch. */
class County {
  private readonly rng: () => number;
  private readonly grids: [string, RulesGrid][];
  private readonly cams: string[];
  private readonly follow = new MinHeap<Timed>();
  private readonly cases: { id: string; grid: [string, RulesGrid]; level: (typeof LEVELS)[number] }[] = [];
  private seq = 0;
  private k = 0;

  constructor(private readonly r: RulesRegion, seed: number) {
    this.rng = mulberry32(seed);
    this.grids = [...r.grids.entries()];
    this.cams = [...r.cameras.keys()];
  }

  private iso(t: number): string { return new Date(t).toISOString(); }
  private grid(): [string, RulesGrid] { return this.grids[Math.floor(this.rng() * GRIDS)]!; }

  call(t: number, warm: boolean, g = this.grid(), category: (typeof CATS)[number] = CATS[Math.floor(this.rng() * CATS.length)]!): CallRecord {
    const rng = this.rng;
    const id = `C${this.k++}`;
    const priority = warm ? 3 : rng() < 0.1 ? 1 : rng() < 0.45 ? 2 : 3;
    const rec: CallRecord = {
      topic: 'police.calls', place: { gridId: g[0], villageCode: g[1].villageCode, townCode: g[1].townCode },
      callerHash: rng() < 0.9 ? `h${Math.floor(rng() * 200_000)}` : null, callerMasked: null,
      event: { id, receivedAt: this.iso(t), category, priority, summary: '', location: { lon: 110.2 + rng() * 0.2, lat: 34.4 + rng() * 0.2 } },
    };
    if (!warm && (priority < 3 || rng() < 0.4)) {
      // Dispatched within a couple of minutes and on scene within ~15, with a few percent slow.
      const unitId = `U${Math.floor(rng() * 300)}`;
      const td = t + Math.floor(0.3 * MIN + rng() * 2 * MIN + (rng() < 0.03 ? 5 * MIN : 0));
      const ts = td + Math.floor(3 * MIN + rng() * 10 * MIN + (rng() < 0.05 ? 20 * MIN : 0));
      const tf = ts + Math.floor(10 * MIN + rng() * 30 * MIN);
      const push = (at: number, r: StoredRecord) => this.follow.push({ at, seq: this.seq++, rec: r });
      push(td, { topic: 'dispatch.commands', event: { id: `D${id}`, incidentId: id, unitId, by: 'duty', at: this.iso(td) } });
      push(td + 20_000, { topic: 'unit.status', event: { unitId, at: this.iso(td + 20_000), status: 'en_route', incidentId: id } });
      push(ts, { topic: 'unit.status', event: { unitId, at: this.iso(ts), status: 'on_scene', incidentId: id } });
      push(tf, { topic: 'unit.status', event: { unitId, at: this.iso(tf), status: 'available' } });
    }
    return rec;
  }

  private caseChange(t: number, c: (typeof this.cases)[number], status: 'registered' | 'mediating' | 'escalated' | 'resolved'): StoredRecord {
    const g = c.grid;
    return {
      topic: 'case.status', place: { gridId: g[0], villageCode: g[1].villageCode, townCode: g[1].townCode },
      event: { caseId: c.id, changedAt: this.iso(t), kind: 'dispute', category: 'neighbor', status, level: c.level, risk: this.rng() < 0.08 ? 'red' : 'blue', gridId: g[0] },
    };
  }

  openCase(t: number): StoredRecord {
    const c = { id: `MD${this.k++}`, grid: this.grid(), level: LEVELS[Math.floor(this.rng() * 4)]! };
    this.cases.push(c);
    return this.caseChange(t, c, c.level === 'grid' ? 'registered' : 'escalated');
  }

  /** Warm-up: 4 weeks of calls at the timed week's call rate (its category mix, no follow-ups), and the open cases. */
  *warmup(): Generator<StoredRecord[]> {
    const calls = Math.round(4 * N * CALL_SHARE);
    let batch: StoredRecord[] = [];
    for (let i = 0; i < calls; i++) {
      const t = START - 4 * WEEK + Math.floor((i / calls) * (4 * WEEK - 5 * DAY));
      batch.push(this.call(t, true));
      if (batch.length === 5000) {
        yield batch;
        batch = [];
      }
    }
    for (let i = 0; i < OPEN_CASES; i++) {
      const t = START - 5 * DAY + Math.floor((i / OPEN_CASES) * 5 * DAY);
      batch.push(this.openCase(t));
      if (i % 4 === 0) batch.push(this.call(t + 1, true));
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    yield batch;
  }

  /** The timed week: batches in arrival order (event time + up to 5 s). */
  *week(): Generator<{ batch: StoredRecord[]; until: number }> {
    const rng = this.rng;
    const base = Math.round(N * (CALL_SHARE + ALERT_SHARE + CASE_SHARE));
    const arrivals = new MinHeap<Timed>();
    const surges = new Set(Array.from({ length: 20 }, () => Math.floor(rng() * base)));
    let out: StoredRecord[] = [];
    const flush = function* (upTo: number) {
      while (arrivals.size && arrivals.peek()!.at <= upTo) {
        out.push(arrivals.pop()!.rec);
        if (out.length === BATCH) {
          yield { batch: out, until: upTo };
          out = [];
        }
      }
    };
    for (let i = 0; i < base; i++) {
      const t = START + Math.floor((i / base) * WEEK);
      while (this.follow.size && this.follow.peek()!.at <= t) {
        const f = this.follow.pop()!;
        arrivals.push({ at: f.at + Math.floor(rng() * 5000), seq: this.seq++, rec: f.rec });
      }
      const x = rng() * (CALL_SHARE + ALERT_SHARE + CASE_SHARE);
      const recs: StoredRecord[] = [];
      if (surges.has(i)) {
        const g = this.grid();
        for (let j = 0; j < 12; j++) recs.push(this.call(t + j * 3 * MIN, false, g, 'public_order'));
      } else if (x < CALL_SHARE) {
        recs.push(this.call(t, false));
      } else if (x < CALL_SHARE + ALERT_SHARE) {
        const cameraId = this.cams[Math.floor(rng() * CAMERAS)]!;
        const cam = this.r.cameras.get(cameraId)!;
        const y = rng();
        const type = y < 0.04 ? 'camera_offline' : y < 0.22 ? 'crowd' : y < 0.36 ? 'intrusion' : 'vehicle_violation';
        const n = type === 'crowd' && rng() < 0.03 ? 5 : 1; // now and then a crowd gathers
        for (let j = 0; j < n; j++) {
          recs.push({ topic: 'camera.alerts', place: { gridId: cam.gridId, villageCode: null, townCode: cam.townCode }, lon: 110.3, lat: 34.5,
            event: { id: `A${this.k++}`, cameraId, occurredAt: this.iso(t + j * 2 * MIN), type, confidence: 0.6 + rng() * 0.4 } });
        }
      } else {
        const idx = Math.floor(rng() * this.cases.length);
        const c = this.cases[idx]!;
        const s = rng();
        if (s < 0.5) {
          recs.push(this.caseChange(t, c, 'mediating'));
        } else if (s < 0.75 && c.level !== 'county') {
          c.level = LEVELS[LEVELS.indexOf(c.level) + 1]!;
          recs.push(this.caseChange(t, c, 'escalated'));
        } else {
          recs.push(this.caseChange(t, c, 'resolved'));
          // Resolved cases are replaced by new ones: the open count stays near 10,000.
          this.cases[idx] = this.cases[this.cases.length - 1]!;
          this.cases.pop();
          recs.push(this.openCase(t + 1000));
        }
      }
      for (const rec of recs) arrivals.push({ at: Date.parse(recordTime(rec)) + Math.floor(rng() * 5000), seq: this.seq++, rec });
      yield* flush(t - 5000);
    }
    while (this.follow.size) {
      const f = this.follow.pop()!;
      arrivals.push({ at: f.at, seq: this.seq++, rec: f.rec });
    }
    yield* flush(Infinity);
    if (out.length) yield { batch: out, until: START + WEEK };
  }
}

function ingestReference(): number {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'bench', 'results', 'ingest.json'), 'utf8')) as { medians?: { postgres?: { eventsPerSec?: number } } };
    return j.medians?.postgres?.eventsPerSec ?? 20_000;
  } catch {
    return 20_000;
  }
}

function main(): void {
  const r = region();
  const config = loadRulesConfig();
  const runs = [];
  for (let run = 1; run <= RUNS; run++) {
    const county = new County(r, run);
    const engine = new RulesEngine({ region: r, config, tz: 'Asia/Shanghai' });
    const w0 = performance.now();
    for (const b of county.warmup()) engine.ingest(b);
    engine.sweep(START);
    const warmSeconds = (performance.now() - w0) / 1000;
    const openCases = engine.stats().subjects.case_deadline;

    let ms = 0;
    let cpuUs = 0;
    let events = 0;
    let changes = 0;
    const byRule: Record<string, number> = {};
    const count = (cs: { warning: { rule: string } }[]) => {
      for (const c of cs) byRule[c.warning.rule] = (byRule[c.warning.rule] ?? 0) + 1;
      changes += cs.length;
    };
    let nextSweep = START + MIN;
    // Generated 50 batches at a time, then timed together: the clock and CPU meter are read
    // per chunk, not per batch, and the generator's work stays outside the timed section.
    const gen = county.week();
    for (let done = false; !done; ) {
      const chunk: { batch: StoredRecord[]; until: number }[] = [];
      while (chunk.length < 50) {
        const n = gen.next();
        if (n.done) {
          done = true;
          break;
        }
        chunk.push(n.value);
      }
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (const { batch, until } of chunk) {
        events += batch.length;
        count(engine.ingest(batch));
        for (; nextSweep <= until && nextSweep <= START + WEEK; nextSweep += MIN) count(engine.sweep(nextSweep));
      }
      if (done) count(engine.sweep(START + WEEK + MIN));
      const c1 = process.cpuUsage(c0);
      cpuUs += c1.user + c1.system;
      ms += performance.now() - t0;
    }
    const s = engine.stats();
    const row = {
      run, events, seconds: ms / 1000, eventsPerSec: events / (ms / 1000), usPerEvent: (ms * 1000) / events,
      // CPU time (this process, GC threads included) is what the rules take from ingest; wall time also counts waiting for a core.
      cpuSeconds: cpuUs / 1e6, cpuUsPerEvent: cpuUs / events, loadAverage: os.loadavg()[0] ?? 0, warmupSeconds: warmSeconds,
      openCasesAtStart: openCases, changes, changesByRule: byRule, openWarnings: s.openWarnings, late: s.late, subjects: s.subjects,
      heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    };
    runs.push(row);
    console.log(`run ${run}: ${Math.round(row.eventsPerSec).toLocaleString('en')} events/s, ${row.usPerEvent.toFixed(2)} µs/event wall, ${row.cpuUsPerEvent.toFixed(2)} µs/event CPU (load ${row.loadAverage.toFixed(1)}; ${events} events, ${changes} warning changes, ${s.openWarnings} open at the end; warm-up ${warmSeconds.toFixed(1)} s)`);
  }
  const eventsPerSec = median(runs.map((x) => x.eventsPerSec));
  const usPerEvent = median(runs.map((x) => x.usPerEvent));
  const cpuUsPerEvent = median(runs.map((x) => x.cpuUsPerEvent));
  const ingest = ingestReference();
  const shareOfIngest = (usPerEvent / 1e6) * ingest;
  console.log(`changes by rule (last run): ${JSON.stringify(runs.at(-1)!.changesByRule)}`);
  console.log(`rules: ${Math.round(eventsPerSec)}`);
  console.log(`median ${usPerEvent.toFixed(2)} µs/event wall, ${cpuUsPerEvent.toFixed(2)} µs/event CPU (goal ≤ ${BUDGET_US}); adds ${(shareOfIngest * 100).toFixed(1)} % to ingest at ${Math.round(ingest).toLocaleString('en')} events/s (goal ≤ 10 %)`);
  const file = writeResult('rules', {
    goal: { usPerEvent: BUDGET_US, shareOfIngest: 0.1 },
    setup: { grids: GRIDS, towns: TOWNS, cameras: CAMERAS, openCases: OPEN_CASES, eventsPerRun: N, historyWeeks: 4, batch: BATCH, sweepEverySeconds: 60 },
    medians: { eventsPerSec, usPerEvent, cpuUsPerEvent, shareOfIngest, ingestEventsPerSec: ingest, runs: runs.length },
    runs,
  });
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main();
