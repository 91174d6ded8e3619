/**
 * Every Prometheus metric of Watchfloor, defined once; the web and the ingest process each
 * serve this registry at GET /metrics. Labels stay low-cardinality: topics, partitions and
 * short rejection codes, never free text.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { REJECTION_CODES, type Topic } from '@watchfloor/config/contracts';
import type { BatchOutcome, RawMessage, SourceName } from './records';
import type { StoreMemory } from './store/db';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'watchfloor_process_' });

const ingested = new Counter({
  name: 'watchfloor_events_ingested_total',
  help: 'Events newly stored (redeliveries of stored events excluded), by topic.',
  labelNames: ['topic'] as const,
  registers: [registry],
});
const duplicates = new Counter({
  name: 'watchfloor_events_duplicate_total',
  help: 'Events received again that were already stored (a no-op), by topic.',
  labelNames: ['topic'] as const,
  registers: [registry],
});
const rejected = new Counter({
  name: 'watchfloor_events_rejected_total',
  help: `Events dead-lettered, by topic and reason code (${REJECTION_CODES.join(', ')}).`,
  labelNames: ['topic', 'reason'] as const,
  registers: [registry],
});
const batchSeconds = new Histogram({
  name: 'watchfloor_ingest_batch_seconds',
  help: 'Time to take one batch through the pipeline (validate, store and commit, listeners), by source.',
  labelNames: ['source'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
export const deltaLatency = new Histogram({
  name: 'watchfloor_delta_latency_seconds',
  help: 'From a batch committed in this process (embedded) or its delta read from Kafka (deployed) to the wall delta emitted to the sockets.',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});

type Process = (topic: Topic, messages: readonly RawMessage[], source: SourceName) => Promise<BatchOutcome>;

/** The pipeline's `process`, counted and timed: what every source and the ingest route call. */
export function measured(process: Process): Process {
  return async (topic, messages, source) => {
    const end = batchSeconds.startTimer({ source });
    const outcome = await process(topic, messages, source);
    end();
    if (outcome.accepted) ingested.inc({ topic }, outcome.accepted);
    if (outcome.duplicates) duplicates.inc({ topic }, outcome.duplicates);
    for (const r of outcome.rejected) rejected.inc({ topic, reason: r.code });
    return outcome;
  };
}

/** Connected wall sockets, read from the gateway when scraped. */
export function socketClientsGauge(read: () => number): void {
  const name = 'watchfloor_socket_clients';
  registry.removeSingleMetric(name);
  new Gauge({ name, help: 'Wall sockets connected to this web process.', registers: [registry], collect() { this.set(read()); } });
}

/** Lag per topic and partition, read when scraped (a slow broker answers with the last figures). */
export function consumerLagGauge(read: () => Promise<{ topic: string; partition: number; lag: number }[]>): void {
  const name = 'watchfloor_consumer_lag';
  registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'Messages not yet committed by the ingest consumer group, by topic and partition (embedded: the in-process bus queue as topic "bus").',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      try {
        const rows = await read();
        this.reset();
        for (const r of rows) this.set({ topic: r.topic, partition: String(r.partition) }, r.lag);
      } catch {
        // Keep the last figures: a scrape must not fail because the broker is slow.
      }
    },
  });
}

/** DATA_DIR's disk (embedded store), read when scraped. */
export function dataDiskGauges(read: () => { freeBytes: number | null; minFreeBytes: number; full: boolean }): void {
  const free = 'watchfloor_data_dir_free_bytes';
  const refused = 'watchfloor_ingest_refused_disk_full';
  registry.removeSingleMetric(free);
  registry.removeSingleMetric(refused);
  new Gauge({
    name: free,
    help: 'Free bytes on the disk of DATA_DIR (embedded store); ingest is refused below DATA_DIR_MIN_FREE_MB.',
    registers: [registry],
    collect() { const f = read().freeBytes; if (f !== null) this.set(f); },
  });
  new Gauge({
    name: refused,
    help: '1 while ingest is refused because the disk of DATA_DIR is (nearly) full, 0 otherwise.',
    registers: [registry],
    collect() { this.set(read().full ? 1 : 0); },
  });
}

/**
 * The embedded store thread's memory, asked when scraped: its WASM memory and V8 heap are in the
 * process's RSS but not in the main thread's heap figures, so a leak there would otherwise be unnamed.
 */
export function storeMemoryGauge(read: () => Promise<StoreMemory>): void {
  const name = 'watchfloor_store_memory_bytes';
  registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: 'Memory of the embedded store thread, by kind: wasm (PGlite linear memory; grows, never shrinks), heap_used and heap_total (that thread\'s V8 heap).',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      try {
        const m = await read();
        this.set({ kind: 'wasm' }, m.wasmBytes);
        this.set({ kind: 'heap_used' }, m.heapUsedBytes);
        this.set({ kind: 'heap_total' }, m.heapTotalBytes);
      } catch {
        // A closed or failed store: keep the last figures, the scrape must not fail.
      }
    },
  });
}
