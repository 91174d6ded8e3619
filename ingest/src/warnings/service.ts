/**
 * Runs the rules engine beside the pipeline: rebuilt from the store at start, fed every
 * stored batch, swept every few seconds so clocks run out without new events, reconfigured when
 * config/rules changes. Its changes are stored (with history) and handed to listeners
 * (the wall). Acknowledgements made by people are told to the engine as well.
 *
 * The rebuild runs in the background and never holds the event loop for long: the history is
 * read in pages by event time and fed in chunks sized to a few tens of milliseconds, yielding
 * between them, so the server answers (and health reports the progress) meanwhile. Events
 * stored during the rebuild are queued and fed after it. Its outcome is stored at the end and
 * handed to the listeners as one change per warning: the open ones (with the acknowledgements
 * the store holds), and the resolution of every warning the store had active that the events
 * no longer hold open.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { loadRulesConfig, watchRules, type RuleFileChange, type WarningChange } from '@watchfloor/config/rules';
import type { Region } from '@watchfloor/config/region';
import { REPO_ROOT } from '@watchfloor/config/settings';
import type { Pipeline } from '../pipeline/pipeline';
import type { StoredRecord } from '../records';
import { HISTORY_DAYS, RulesEngine, rulesRegionOf, type RulesEngineStats } from '../rules';
import type { Db } from '../store/db';
import { appendAudit } from '../store/audit';
import { rulesHistoryCount, rulesHistoryPages } from '../store/queries/rules-history';
import { activeAcknowledgements, activeWarningIds, resolveActiveExcept, rowToWarning, storeWarningChanges } from '../store/warnings';

const DAY = 86_400_000;

/** The actor of a rule edited on disk: nobody signed in made it, the file did. */
export const RULE_FILE_ACTOR = 'config-file';

/** One audit entry per file behind a reload (rule.change) or a refused edit (rule.change_refused), with its bytes' hashes. */
async function auditRuleFiles(db: Db, outcome: 'applied' | 'refused', files: readonly RuleFileChange[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const f of files) {
      await appendAudit(tx, {
        actor: RULE_FILE_ACTOR, action: outcome === 'applied' ? 'rule.change' : 'rule.change_refused', target: f.file,
        details: { sha256Before: f.sha256Before, sha256After: f.sha256After },
      });
    }
  });
}
/** What one chunk of the rebuild may cost the event loop. */
const CHUNK_BUDGET_MS = 25;
const STORE_BATCH = 250;

export type WarningListener = (changes: readonly WarningChange[]) => void | Promise<void>;

/** What health reports of the rules. */
export type RulesStatus =
  | { state: 'rebuilding'; loaded: number; total: number | null }
  | ({ state: 'running'; rebuild: RebuildReport } & RulesEngineStats)
  | { state: 'failed'; error: string };

export interface RebuildReport { events: number; ms: number; maxChunkMs: number }

export interface WarningService {
  /**
   * Every change from now on. A listener registered before the rebuild ends (that is, in the
   * same turn as startWarningService, or any time while health says 'rebuilding') also
   * receives the rebuild's outcome.
   */
  onChanges(l: WarningListener): () => void;
  acknowledge(id: string, by: string): void;
  stats(): RulesStatus;
  /** Settles once the rebuild is over and the service is live (rejects if the rebuild failed). */
  readonly ready: Promise<void>;
  stop(): void;
}

/** Where the engine's events come from: stored batches (embedded), or a consumer of every partition (deployed). */
export type RecordFeed = (listener: (records: readonly StoredRecord[]) => Promise<void>) => () => void;

export function storedFeed(pipeline: Pipeline): RecordFeed {
  // A batch of redeliveries only (nothing new) is no news to the rules.
  return (l) => pipeline.onStored((batch) => (batch.records.length ? l(batch.records) : undefined));
}

export function startWarningService(opts: {
  db: Db; region: Region; feed: RecordFeed; tz: string; rulesDir?: string; sweepMs?: number; log: (l: string) => void; now?: () => number;
}): WarningService {
  const now = opts.now ?? Date.now;
  const dir = opts.rulesDir ?? path.join(REPO_ROOT, 'config', 'rules');
  const config = loadRulesConfig(dir);
  const since = now() - HISTORY_DAYS * DAY;
  // Calls are complete from `since`; older events of still-open cases must not make the weeks before count as quiet ones.
  const engine = new RulesEngine({ region: rulesRegionOf(opts.region), config, tz: opts.tz, historyFrom: since });
  const listeners = new Set<WarningListener>();
  let status: RulesStatus = { state: 'rebuilding', loaded: 0, total: null };
  let report: RebuildReport = { events: 0, ms: 0, maxChunkMs: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let watcher: { close(): void } | null = null;

  // Changes are stored and announced one batch at a time, in order.
  let chain: Promise<void> = Promise.resolve();
  const emit = (changes: WarningChange[]) => {
    if (changes.length === 0) return chain;
    chain = chain.then(async () => {
      await opts.db.transaction((tx) => storeWarningChanges(tx, changes));
      for (const l of listeners) await l(changes);
    }).catch((err: Error) => opts.log(`[rules] storing warnings failed: ${err.message}`));
    return chain;
  };

  // Subscribed before the rebuild reads anything, so nothing stored meanwhile is missed
  // (what both the history and the queue hold is a redelivery the engine drops).
  let queued: (readonly StoredRecord[])[] | null = [];
  const off = opts.feed(async (records) => {
    if (queued) queued.push(records);
    else await emit(engine.ingest(records));
  });

  async function rebuild(): Promise<void> {
    const t0 = performance.now();
    const until = now();
    const total = await rulesHistoryCount(opts.db, new Date(since));
    const progress = { state: 'rebuilding' as const, loaded: 0, total };
    status = progress;
    const outcome = new Map<string, WarningChange>();
    const take = (changes: readonly WarningChange[]) => { for (const c of changes) outcome.set(c.warning.id, c); };
    let chunk = 100;
    let maxChunkMs = 0;
    for await (const page of rulesHistoryPages(opts.db, new Date(since), new Date(until))) {
      for (let i = 0; i < page.length;) {
        // A chunk never splits an instant: everything due at one instant is applied together.
        let j = Math.min(page.length, i + chunk);
        while (j < page.length && page[j]!.t === page[j - 1]!.t) j++;
        const c0 = performance.now();
        take(engine.ingest(page.slice(i, j).map((x) => x.rec)));
        // Everything up to here is in: let the clocks run (never ahead of now, whatever a device stamped).
        take(engine.sweep(Math.min(page[j - 1]!.t, until)));
        const ms = performance.now() - c0;
        if (ms > maxChunkMs) maxChunkMs = ms;
        chunk = Math.max(50, Math.min(2_000, Math.round(((j - i) * CHUNK_BUDGET_MS) / Math.max(ms, 1))));
        progress.loaded += j - i;
        i = j;
        await yieldToLoop();
        if (stopped) return;
      }
    }
    take(engine.sweep(now()));
    report = { events: progress.loaded, ms: Math.round(performance.now() - t0), maxChunkMs: Math.round(maxChunkMs) };
    await settle([...outcome.values()]);
  }

  /** Stores the rebuild's outcome, squares the store with it and tells the listeners. */
  async function settle(outcome: WarningChange[]): Promise<void> {
    const db = opts.db;
    const before = await activeWarningIds(db);
    // The rebuild re-derives warnings already stored: their state is refreshed, not their history repeated.
    for (let i = 0; i < outcome.length; i += STORE_BATCH) {
      const part = outcome.slice(i, i + STORE_BATCH);
      await db.transaction((tx) => storeWarningChanges(tx, part, { history: false }));
      await yieldToLoop();
    }
    const open = new Set(engine.openWarnings().map((w) => w.id));
    const superseded = await db.transaction((tx) => resolveActiveExcept(tx, [...open], engine.watermark ?? now()));
    // Acknowledgements made before the restart (or during the rebuild) stand.
    for (const a of await activeAcknowledgements(db)) engine.acknowledge(a.id, a.by, a.at);
    const byId = new Map(outcome.map((c) => [c.warning.id, c.warning]));
    for (const r of superseded) byId.set(r.id, rowToWarning(r));
    const changes: WarningChange[] = engine.openWarnings().map((w) => ({ kind: 'updated', warning: w }));
    for (const id of before) {
      const w = byId.get(id);
      if (!open.has(id) && w) changes.push({ kind: 'resolved', warning: { ...w, status: 'resolved' } });
    }
    if (stopped) return;
    chain = chain.then(async () => { for (const l of listeners) await l(changes); })
      .catch((err: Error) => opts.log(`[rules] announcing the rebuild failed: ${err.message}`));
    await chain;
    // Live from here: what was stored meanwhile, then the clocks and the config.
    const backlog = queued ?? [];
    queued = null;
    for (const b of backlog) void emit(engine.ingest(b));
    timer = setInterval(() => void emit(engine.sweep(now())), opts.sweepMs ?? 5_000);
    timer.unref();
    watcher = watchRules(dir, (cfg) => {
      opts.log('[rules] config reloaded');
      void emit(engine.setConfig(cfg));
    }, {
      initial: config,
      onError: (err) => opts.log(`[rules] config not reloaded, previous one stays: ${err.message}`),
      onFiles: (outcome, files) => void auditRuleFiles(opts.db, outcome, files).catch((err: Error) => opts.log(`[rules] audit of a rule change failed: ${err.message}`)),
    });
    status = { state: 'running', rebuild: report, ...engine.stats() };
    opts.log(`[rules] rebuilt from ${report.events} stored events in ${report.ms} ms (longest chunk ${report.maxChunkMs} ms); ${engine.stats().openWarnings} open warnings, ${superseded.length} superseded`);
  }

  // Started on the next turn: whoever starts the service registers its listeners first.
  const ready = yieldToLoop().then(rebuild).catch((err: Error) => {
    status = { state: 'failed', error: err.message };
    opts.log(`[rules] rebuild failed: ${err.message}`);
    throw err;
  });
  ready.catch(() => undefined);

  return {
    onChanges(l) { listeners.add(l); return () => listeners.delete(l); },
    acknowledge(id, by) {
      // During the rebuild the store has it; the rebuilt engine takes it over from there.
      const c = engine.acknowledge(id, by, now());
      if (c) void emit([c]);
    },
    stats: () => (status.state === 'running' ? { state: 'running', rebuild: report, ...engine.stats() } : status),
    ready,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      off();
      watcher?.close();
    },
  };
}
