/**
 * Assembles the data plane from settings: store, region, pipeline, and the source and
 * publisher of the mode in force (in-process bus when embedded, Kafka when deployed).
 * The web server and the stand-alone ingest process both start it; only flags differ.
 */
import crypto from 'node:crypto';
import { DEAD_LETTER_TOPIC, TOPICS, type Topic } from '@watchfloor/config/contracts';
import { buildGridIndex, loadRegion, type Region } from '@watchfloor/config/region';
import type { Settings } from '@watchfloor/config/settings';
import type { Kafka } from 'kafkajs';
import { createInProcessBus, type InProcessBus } from './bus/in-process-bus';
import { createKafka, ensureTopics } from './kafka/client';
import { kafkaDeltaSink, localDeltaSink, WALL_DELTA_TOPIC, type DeltaSink } from './live/delta-sink';
import { wallDeltaOf, warningsDelta } from './live/wall-deltas';
import { startWarningService, storedFeed, type WarningService } from './warnings/service';
import type { StoredRecord } from './records';

/** Advisory-lock key of the single active rules instance ("WFRULES" folded into 31 bits). */
const RULES_LOCK = 0x57465255;
import { kafkaPublisher } from './kafka/publisher';
import { createPipeline, type Pipeline } from './pipeline/pipeline';
import { phoneProtector, resolvePhoneKey } from './pipeline/privacy';
import { setReferenceKey } from '@watchfloor/config/privacy';
import { busPublisher, busSource } from './sources/bus-source';
import { consumerLag, kafkaSource } from './sources/kafka-source';
import type { EventSource, Publisher } from './sources/source';
import type { Db, Queryable } from './store/db';
import { openPg } from './store/pg-db';
import { watchDisk, type DiskState, type DiskWatch } from './store/disk-space';
import { scheduleMaintenance } from './store/maintenance';
import { openStore } from './store/open';
import { lastEventTimes } from './store/queries/health';
import { callerHashesExist } from './store/queries/privacy';
import { lagByPartition } from './kafka/lag';
import { consumerLagGauge, dataDiskGauges, measured, storeMemoryGauge } from './metrics';

export interface Runtime {
  settings: Settings;
  db: Db;
  /** Where read models that tolerate replication lag read: DATABASE_READ_URL's replica, or db. */
  readDb: Queryable;
  region: Region;
  pipeline: Pipeline;
  publisher: Publisher;
  /** Wall deltas: published by whatever stores or changes something, read by the web's hub. */
  deltas: DeltaSink;
  bus: InProcessBus | null;
  kafka: Kafka | null;
  /** DATA_DIR's disk, watched while the store is embedded (null with DATABASE_URL). */
  disk: DiskWatch | null;
  /** The rules engine, once startRules() ran in a process that consumes events (null otherwise). */
  warnings: WarningService | null;
  /**
   * Starts the rules engine; it rebuilds from the store in the background (health reports the
   * progress). Called after any back-fill, so that the back-filled days count as history.
   * Resolves before the rebuild has begun: listeners added at once receive its outcome. Idempotent.
   */
  startRules(): Promise<WarningService | null>;
  health(): Promise<Health>;
  stop(): Promise<void>;
}

export interface Health {
  status: 'ok' | 'degraded';
  failing: string[];
  db: { ok: boolean; kind: Db['kind']; flavor: Db['flavor']; error?: string };
  bus: { ok: boolean; mode: 'embedded' | 'kafka'; lag: Record<string, number> | null; error?: string };
  /** The embedded store's disk (null with DATABASE_URL): not ok while ingest is refused for want of space. */
  disk: ({ ok: boolean } & DiskState) | null;
  lastEventAt: Record<Topic, string | null> | null;
  pipeline: ReturnType<Pipeline['stats']>;
  /** The rules engine's counters (null where rules do not run, or before they started). */
  rules: ReturnType<WarningService['stats']> | null;
}

export interface RuntimeOptions {
  /** Run the consumers (pipeline fed by the bus or Kafka) in this process. */
  consume: boolean;
  log?: (line: string) => void;
}

export async function startRuntime(settings: Settings, opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.log ?? ((l: string) => console.log(l));
  if (!settings.embeddedDb && !settings.PHONE_HASH_KEY) {
    throw new Error('PHONE_HASH_KEY must be set when DATABASE_URL is: every instance must hash caller phones with the same key');
  }
  const region = loadRegion(settings.REGION_DIR);
  const db = await openStore(settings);
  const disk = settings.embeddedDb ? watchDisk({ dir: settings.DATA_DIR, minFreeMb: settings.DATA_DIR_MIN_FREE_MB, log }) : null;
  if (disk) dataDiskGauges(disk.state);
  const storeMemory = db.memory?.bind(db);
  if (storeMemory) storeMemoryGauge(storeMemory);
  // Checked against the store's hashes before anything else starts: a lost key must stop the start.
  const phoneKey = await resolvePhoneKey(settings.PHONE_HASH_KEY, settings.DATA_DIR, { hashesExist: () => callerHashesExist(db) })
    .catch(async (err: Error) => { await db.close(); throw err; });
  const phones = phoneProtector(phoneKey);
  // Its own key, derived: a display reference must not be a caller hash under another name.
  setReferenceKey(crypto.createHmac('sha256', phoneKey).update('watchfloor display reference').digest('hex'));
  const stopMaintenance = scheduleMaintenance(db, 60_000, log);
  // Not migrated: a replica is read-only and follows the primary's schema.
  const replica = settings.DATABASE_READ_URL && !settings.embeddedDb ? await openPg(settings.DATABASE_READ_URL, settings.DB_FLAVOR, 4) : null;

  let bus: InProcessBus | null = null;
  let kafka: Kafka | null = null;
  let publisher: Publisher;
  let deltas: DeltaSink;
  let source: EventSource | null = null;
  if (settings.embeddedBus) {
    bus = createInProcessBus({ onError: (t, err) => log(`[bus] ${t}: ${err.message}`) });
    publisher = busPublisher(bus);
    deltas = localDeltaSink();
    if (opts.consume) source = busSource(bus);
  } else {
    kafka = createKafka({ brokers: settings.KAFKA_BROKERS!, clientId: settings.KAFKA_CLIENT_ID });
    const prefix = settings.KAFKA_TOPIC_PREFIX;
    await ensureTopics(kafka, [...TOPICS, DEAD_LETTER_TOPIC, WALL_DELTA_TOPIC].map((t) => prefix + t));
    publisher = await kafkaPublisher(kafka, prefix);
    deltas = kafkaDeltaSink(kafka, publisher, { topicPrefix: prefix, groupPrefix: settings.KAFKA_GROUP_ID, log });
    if (opts.consume) source = kafkaSource(kafka, { groupId: settings.KAFKA_GROUP_ID, topicPrefix: prefix });
  }

  const pipeline = createPipeline({
    db,
    ctx: { region, grids: buildGridIndex(region.grids), phones },
    publishDeadLetters: async (letters) => { await publisher.send(DEAD_LETTER_TOPIC, letters.map((l) => ({ ...l, at: new Date().toISOString() }))); },
    log,
    maxEventSkewSeconds: settings.MAX_EVENT_SKEW_SECONDS,
    ...(disk ? { disk } : {}),
  });
  pipeline.onStored((batch) => {
    const d = wallDeltaOf(batch);
    return d ? deltas.publish(d) : undefined;
  });
  if (source) await source.start(measured((topic, msgs, src) => pipeline.process(topic, msgs, src)));
  const k = kafka;
  const b = bus;
  consumerLagGauge(k
    ? () => lagByPartition(k, settings.KAFKA_GROUP_ID, TOPICS.map((t) => settings.KAFKA_TOPIC_PREFIX + t))
    : async () => [{ topic: 'bus', partition: 0, lag: b?.depth() ?? 0 }]);

  async function health(): Promise<Health> {
    const failing: string[] = [];
    const h: Health = {
      status: 'ok', failing,
      db: { ok: true, kind: db.kind, flavor: db.flavor },
      bus: { ok: true, mode: kafka ? 'kafka' : 'embedded', lag: null },
      disk: null,
      lastEventAt: null,
      pipeline: pipeline.stats(),
      rules: rt.warnings?.stats() ?? null,
    };
    try {
      h.lastEventAt = await lastEventTimes(db);
    } catch (err) {
      h.db = { ...h.db, ok: false, error: (err as Error).message };
      failing.push('db');
    }
    if (kafka) {
      try {
        h.bus.lag = await withTimeout(consumerLag(kafka, settings.KAFKA_GROUP_ID, settings.KAFKA_TOPIC_PREFIX), 3000, 'Kafka did not answer in 3 s');
      } catch (err) {
        h.bus = { ...h.bus, ok: false, error: (err as Error).message };
        failing.push('kafka');
      }
    } else if (bus) {
      h.bus.lag = { queued: bus.depth() };
    }
    if (disk) {
      const d = disk.refresh();
      h.disk = { ok: !d.full, ...d };
      if (d.full) failing.push('disk');
    }
    if (failing.length) h.status = 'degraded';
    return h;
  }

  let rules: Promise<WarningService | null> | null = null;
  let stopRulesFeed: (() => Promise<void>) | null = null;
  let releaseRulesLock: (() => Promise<void>) | null = null;
  const serviceOptions = { db, region, tz: settings.TZ_CENTER, rulesDir: settings.RULES_DIR, sweepMs: settings.RULES_SWEEP_SECONDS * 1000, log };

  /**
   * Embedded: the engine reads what this process stores. Deployed: rules need every grid's,
   * caller's and case's events, which ingest instances split between them by partition, so
   * the engine reads all partitions through a consumer group of its own — and only one
   * process may: the others wait on a PostgreSQL advisory lock and take over if it dies.
   */
  /** Listening from the start (the rebuild runs on the next turn): its outcome reaches every web instance. */
  const announced = (service: WarningService) => {
    service.onChanges((changes) => deltas.publish(warningsDelta(changes)));
    return service;
  };
  async function startRulesHere(): Promise<WarningService> {
    if (!kafka) return announced(startWarningService({ ...serviceOptions, feed: storedFeed(pipeline) }));
    log('[rules] waiting to be the active rules instance…');
    const lock = await db.holdLock(RULES_LOCK);
    releaseRulesLock = lock.release;
    log('[rules] active');
    const listeners = new Set<(records: readonly StoredRecord[]) => Promise<void>>();
    const feed = (l: (records: readonly StoredRecord[]) => Promise<void>) => { listeners.add(l); return () => listeners.delete(l); };
    const service = announced(startWarningService({ ...serviceOptions, feed }));
    const src = kafkaSource(kafka, { groupId: `${settings.KAFKA_GROUP_ID}-rules`, topicPrefix: settings.KAFKA_TOPIC_PREFIX });
    await src.start(async (topic, msgs) => {
      const { records, rejected } = pipeline.prepare(topic, msgs);
      for (const l of listeners) await l(records);
      return { accepted: records.length, duplicates: 0, rejected };
    });
    stopRulesFeed = () => src.stop();
    return service;
  }
  const rt: Runtime = {
    settings, db, readDb: replica ?? db, region, pipeline, publisher, deltas, bus, kafka, disk, health,
    warnings: null,
    startRules() {
      rules ??= (opts.consume && settings.RULES ? startRulesHere() : Promise.resolve(null)).then((w) => {
        rt.warnings = w;
        return w;
      });
      return rules;
    },
    async stop() {
      stopMaintenance();
      disk?.stop();
      await stopRulesFeed?.().catch(() => undefined);
      rt.warnings?.stop();
      await releaseRulesLock?.().catch(() => undefined);
      await source?.stop().catch(() => undefined);
      await pipeline.idle();
      await publisher.close().catch(() => undefined);
      if (bus) await bus.idle();
      await db.close();
      await replica?.close();
    },
  };
  return rt;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e as Error); });
  });
}
