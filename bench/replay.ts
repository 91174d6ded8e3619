/**
 * `npm run bench:replay`: seeking the wall's replay. A week (plus the day before it, for the
 * 24 h windows) of the simulated Tongguan county is stored in the embedded store through the
 * ingest pipeline, as the simulator's back-fill does; then the wall is rebuilt at 20 random
 * moments of the week, each with a fresh replay service (nothing cached: every seek reads its
 * keyframe from the event tables, then up to 15 minutes of deltas, and reduces them), p50/p95
 * per run, median of BENCH_RUNS (3) runs. Reference in the same run: rebuilding the same
 * moments without keyframes (the state at the week's start plus every delta up to the moment),
 * which is what the keyframes save. Goal (issue 9): seek ≤ 1 s.
 *
 * BENCH_REPLAY_STORE=postgres runs it on a temp database of the native PostgreSQL instead.
 * `benchReplaySeek(db, …)` is exported for a combined benchmark over another store (bench:query).
 */
import { advanceTo, apply } from '@watchfloor/config/wall';
import type { Db } from '@watchfloor/ingest/store/db';
import { deltasBetween, stateAt } from '@watchfloor/ingest/store/queries/replay';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { replayService } from '../web/src/server/replay/replay-service';
import { openTestStore, type StoreKind } from '../test/support/pipeline';
import { tongguan } from '../test/support/region';
import { median, writeResult } from './lib/results';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEEKS = Number(process.env.BENCH_REPLAY_SEEKS ?? 20);
const GOAL_MS = 1000;
const STORE: StoreKind = process.env.BENCH_REPLAY_STORE === 'postgres' ? 'postgres' : 'embedded';

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export interface SeekFigures { p50: number; p95: number; max: number; seeks: number }

/**
 * Seeks to `seeks` random moments of [from, to) over `db`, a fresh (cold) replay service each
 * time, and returns the times in ms. Deterministic moments for a given seed.
 */
export async function benchReplaySeek(db: Db, opts: { from: number; to: number; tz: string; camerasTotal: number; seeks?: number; seed?: number }): Promise<SeekFigures & { ms: number[] }> {
  const rnd = mulberry32(opts.seed ?? 7);
  const ms: number[] = [];
  for (let i = 0; i < (opts.seeks ?? SEEKS); i++) {
    const at = Math.floor(opts.from + rnd() * (opts.to - opts.from));
    const svc = replayService({ db, tz: opts.tz, camerasTotal: opts.camerasTotal });
    const t0 = performance.now();
    const f = await svc.frame(at);
    ms.push(performance.now() - t0);
    if (f.state.at !== at) throw new Error(`frame at ${at} says ${f.state.at}`);
  }
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: Math.max(...ms), seeks: ms.length, ms };
}

/** The reference: the moment rebuilt from the week's start, every delta applied, no keyframe. */
async function withoutKeyframes(db: Db, from: number, at: number, camerasTotal: number): Promise<number> {
  const t0 = performance.now();
  let s = await stateAt(db, new Date(from), TZ, camerasTotal);
  for (let a = from; a < at; a += 6 * HOUR) {
    for (const d of await deltasBetween(db, a, Math.min(at, a + 6 * HOUR), { tz: TZ, camerasTotal })) s = apply(s, d, TZ);
  }
  advanceTo(s, at);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const region = tongguan();
  const store = await openTestStore(STORE, 'bench-replay');
  try {
    const now = Date.now();
    const weekTo = Math.floor(now / HOUR) * HOUR - HOUR;
    const weekFrom = weekTo - 7 * DAY;
    const model = new CountyModel(region, 11, TZ);
    const t0 = performance.now();
    const counts: Record<string, number> = {};
    // Hour by hour in time order, each topic's events of the hour in one pipeline batch.
    for (let h = (weekFrom - DAY) / HOUR; h < weekTo / HOUR; h++) {
      const byTopic = new Map<string, { value: unknown }[]>();
      for (const e of model.eventsInHour(h, false)) {
        if (e.t >= now) continue;
        const list = byTopic.get(e.event.topic) ?? [];
        list.push({ value: e.event.value });
        byTopic.set(e.event.topic, list);
      }
      for (const [topic, msgs] of byTopic) {
        // Topics are the contracts' own names: the model emits nothing else.
        const out = await store.pipeline.process(topic as 'police.calls', msgs, 'bus');
        counts[topic] = (counts[topic] ?? 0) + out.accepted;
      }
    }
    const loadS = (performance.now() - t0) / 1000;
    const events = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`[bench] stored ${events} events of 8 simulated days in ${loadS.toFixed(1)} s (${JSON.stringify(counts)})`);

    const runs: SeekFigures[] = [];
    for (let r = 0; r < RUNS; r++) {
      const f = await benchReplaySeek(store.db, { from: weekFrom, to: weekTo, tz: TZ, camerasTotal: region.cameras.length, seed: 100 + r });
      runs.push({ p50: f.p50, p95: f.p95, max: f.max, seeks: f.seeks });
      console.log(`[bench] run ${r + 1}: seek p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms, max ${f.max.toFixed(0)} ms (${f.seeks} cold seeks)`);
    }
    // The reference over three moments late in the week (the worst case for it).
    const ref: number[] = [];
    for (const k of [0.7, 0.85, 0.99]) ref.push(await withoutKeyframes(store.db, weekFrom, Math.floor(weekFrom + k * (weekTo - weekFrom)), region.cameras.length));
    const p50 = median(runs.map((x) => x.p50));
    const p95 = median(runs.map((x) => x.p95));
    const refMs = median(ref);
    console.log(`[bench] reference without keyframes (week start + every delta): median ${refMs.toFixed(0)} ms over ${ref.length} late moments`);
    const file = writeResult(STORE === 'embedded' ? 'replay' : `replay-${STORE}`, {
      store: STORE, events, eventsByTopic: counts, loadSeconds: loadS, week: { from: new Date(weekFrom).toISOString(), to: new Date(weekTo).toISOString() },
      seeksPerRun: SEEKS, runs, seekMs: { p50, p95 }, referenceWithoutKeyframesMs: { median: refMs, each: ref }, goalMs: GOAL_MS, withinGoal: p95 <= GOAL_MS,
    });
    console.log(`[bench] wrote ${file}`);
    console.log(`replay: seek p95 ${p95.toFixed(0)} ms${STORE === 'embedded' ? '' : ` (${STORE})`}`);
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: Error) => { console.error(err.stack ?? err.message); process.exit(1); });
}
