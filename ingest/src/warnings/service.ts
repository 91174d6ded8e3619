/**
 * Runs the rules engine beside the pipeline: rebuilt from the store at start, fed every
 * stored batch, swept every few seconds so clocks run out without new events, reconfigured when
 * config/rules changes. Its changes are stored (with history) and handed to listeners
 * (the wall). Acknowledgements made by people are told to the engine as well.
 */
import path from 'node:path';
import { loadRulesConfig, watchRules, type WarningChange } from '@watchfloor/config/rules';
import type { Region } from '@watchfloor/config/region';
import { REPO_ROOT } from '@watchfloor/config/settings';
import type { Pipeline } from '../pipeline/pipeline';
import type { StoredRecord } from '../records';
import { RulesEngine, rulesRegionOf } from '../rules';
import type { Db } from '../store/db';
import { rulesHistory } from '../store/queries/rules-history';
import { storeWarningChanges } from '../store/warnings';

const DAY = 86_400_000;
/** Baselines look back 4 weeks; one more day covers the 24-hour windows at their start. */
const HISTORY_DAYS = 29;

export type WarningListener = (changes: readonly WarningChange[]) => void | Promise<void>;

export interface WarningService {
  onChanges(l: WarningListener): () => void;
  acknowledge(id: string, by: string): void;
  stats(): ReturnType<RulesEngine['stats']>;
  stop(): void;
}

/** Where the engine's events come from: stored batches (embedded), or a consumer of every partition (deployed). */
export type RecordFeed = (listener: (records: readonly StoredRecord[]) => Promise<void>) => () => void;

export function storedFeed(pipeline: Pipeline): RecordFeed {
  return (l) => pipeline.onStored((batch) => l(batch.records));
}

export async function startWarningService(opts: {
  db: Db; region: Region; feed: RecordFeed; tz: string; rulesDir?: string; sweepMs?: number; log: (l: string) => void; now?: () => number;
}): Promise<WarningService> {
  const now = opts.now ?? Date.now;
  const dir = opts.rulesDir ?? path.join(REPO_ROOT, 'config', 'rules');
  const config = loadRulesConfig(dir);
  const since = now() - HISTORY_DAYS * DAY;
  // Calls are complete from `since`; older events of still-open cases must not make the weeks before count as quiet ones.
  const engine = new RulesEngine({ region: rulesRegionOf(opts.region), config, tz: opts.tz, historyFrom: since });
  const listeners = new Set<WarningListener>();
  // Changes are stored and announced one batch at a time, in order.
  let chain: Promise<void> = Promise.resolve();
  const emit = (changes: WarningChange[], history = true) => {
    if (changes.length === 0) return chain;
    chain = chain.then(async () => {
      await opts.db.transaction((tx) => storeWarningChanges(tx, changes, { history }));
      for (const l of listeners) await l(changes);
    }).catch((err: Error) => opts.log(`[rules] storing warnings failed: ${err.message}`));
    return chain;
  };

  const t0 = Date.now();
  const history = await rulesHistory(opts.db, new Date(since));
  const rebuilt = [...engine.ingest(history), ...engine.sweep(now())];
  // The rebuild re-derives warnings already stored: their state is refreshed, not their history repeated.
  await emit(rebuilt, false);
  opts.log(`[rules] rebuilt from ${history.length} stored events in ${Date.now() - t0} ms; ${engine.stats().openWarnings} open warnings`);

  const off = opts.feed((records) => emit(engine.ingest(records)));
  const timer = setInterval(() => void emit(engine.sweep(now())), opts.sweepMs ?? 5_000);
  timer.unref();
  const watcher = watchRules(dir, (cfg) => {
    opts.log('[rules] config reloaded');
    void emit(engine.setConfig(cfg));
  }, { initial: config, onError: (err) => opts.log(`[rules] config not reloaded, previous one stays: ${err.message}`) });

  return {
    onChanges(l) { listeners.add(l); return () => listeners.delete(l); },
    acknowledge(id, by) {
      const c = engine.acknowledge(id, by, now());
      if (c) void emit([c]);
    },
    stats: () => engine.stats(),
    stop() { clearInterval(timer); off(); watcher.close(); },
  };
}
