/**
 * Feeds a publisher with the county model in (simulated) real time: first a backfill of
 * the past days so the wall has history and last-week comparisons, then every second the
 * events that have come due. Simulated time runs SIMULATE_SPEED times faster than the
 * wall clock from the moment of start.
 */
import { PARTITION_KEY, type Topic } from '@watchfloor/config/contracts';
import type { Region } from '@watchfloor/config/region';
import type { Settings } from '@watchfloor/config/settings';
import type { Publisher } from '../sources/source';
import { CountyModel, type SimEvent } from './county-model';

const HOUR = 3_600_000;

export interface Simulator {
  /** Resolves once the back-fill has been published (and, on the bus, stored). */
  backfilled: Promise<void>;
  stop(): Promise<void>;
  /** Simulated now. */
  now(): number;
}

export interface SimulatorOptions {
  publisher: Publisher;
  region: Region;
  settings: Pick<Settings, 'SIMULATE_SEED' | 'SIMULATE_SPEED' | 'TZ_CENTER'>;
  backfillDays?: number;
  tickMs?: number;
  log?: (l: string) => void;
  /** Model events to send (default: all): the field units obeying the console hold some back. */
  keep?: (e: SimEvent) => boolean;
}

/** Sends events in time order, grouping runs of one topic into one send. */
export async function publishInOrder(publisher: Publisher, events: readonly SimEvent[]): Promise<void> {
  let i = 0;
  while (i < events.length) {
    const topic = events[i]!.event.topic;
    const run: unknown[] = [];
    while (i < events.length && events[i]!.event.topic === topic && run.length < 2000) run.push(events[i++]!.event.value);
    await publisher.send(topic, run, PARTITION_KEY[topic as Topic]);
  }
}

export function startSimulator(opts: SimulatorOptions): Simulator {
  const log = opts.log ?? (() => undefined);
  const model = new CountyModel(opts.region, opts.settings.SIMULATE_SEED, opts.settings.TZ_CENTER);
  const speed = opts.settings.SIMULATE_SPEED;
  const wallStart = Date.now();
  const now = () => wallStart + (Date.now() - wallStart) * speed;
  // Ten days: the rules' baselines need a week and a day of history before they speak.
  const backfillDays = opts.backfillDays ?? 10;
  let emittedUntil = wallStart - backfillDays * 24 * HOUR;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  async function emitUntil(until: number, live: boolean): Promise<void> {
    while (emittedUntil < until && !stopped) {
      const hour = Math.floor(emittedUntil / HOUR);
      const end = Math.min(until, (hour + 1) * HOUR);
      const keep = opts.keep ?? (() => true);
      const due = model.eventsInHour(hour, live).filter((e) => e.t >= emittedUntil && e.t < end && keep(e));
      await publishInOrder(opts.publisher, due);
      emittedUntil = end;
    }
  }

  running = (async () => {
    const t0 = Date.now();
    await publishInOrder(opts.publisher, model.initialUnits(emittedUntil));
    await emitUntil(wallStart, false);
    log(`[sim] backfilled ${backfillDays} days in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  })().catch((err: Error) => log(`[sim] backfill failed: ${err.message}`));

  const tick = () => {
    running = running.then(() => emitUntil(now(), true)).catch((err: Error) => log(`[sim] ${err.message}`));
  };
  timer = setInterval(tick, opts.tickMs ?? 1000);
  timer.unref();

  return {
    backfilled: running,
    now,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
