/**
 * The ingest line: decode → validate → enrich (grid, privacy) → store → listeners
 * (rules, deltas). Every source (Kafka, the in-process bus, HTTP, replay) hands batches
 * here, so all of them get the same checks. A bad message becomes a dead letter with its
 * reason; the rest of its batch is stored. The promise resolves only after the database
 * commit, which is what lets a source commit its offsets.
 */
import { DEAD_LETTER_TOPIC, type AnyEvent, type RejectionCode, type Topic } from '@watchfloor/config/contracts';
import type { Db } from '../store/db';
import { DiskFullError, isNoSpaceError, type DiskWatch } from '../store/disk-space';
import { lockIncidents } from '../store/incident-locks';
import { checkUnitReports } from '../store/unit-reports';
import { writeDeadLetters, writeEvents, type DeadLetter } from '../store/write-events';
import { deadLetterPayload, decode, TOO_LARGE_PAYLOAD_KEPT } from './decode';
import { enrich, type EnrichContext } from './enrich';
import { redactPhones } from './redact';
import type { BatchOutcome, RawMessage, RecordOf, Rejection, SourceName, StoredBatch, StoredRecord, UnitRecord } from '../records';
import { validate } from './validate';

export type StoredListener = (batch: StoredBatch) => void | Promise<void>;
/** Publishes dead letters to a topic (Kafka or the bus) after they are stored. */
export type DeadLetterPublisher = (letters: readonly DeadLetter[]) => Promise<void>;

export interface PipelineOptions {
  db: Db;
  ctx: EnrichContext;
  publishDeadLetters?: DeadLetterPublisher;
  log?: (line: string) => void;
  /** The server clock (ms), for the event-time sanity check; tests fix it. */
  now?: () => number;
  /** How far an event time may lead the server clock (settings MAX_EVENT_SKEW_SECONDS). */
  maxEventSkewSeconds?: number;
  /** The embedded store's disk: while it is (nearly) full a batch is refused whole (DiskFullError), not half written. */
  disk?: DiskWatch;
}

/** A rejection, with the message's place in the batch (`at`) beside the index the sender knows it by. */
export interface Rejected extends Rejection { at: number }

export interface Prepared {
  records: StoredRecord[];
  /** Each record's place in the batch (as `Rejected.at`). */
  recordAt: number[];
  rejected: Rejected[];
}

export interface Pipeline {
  /** The pure stages only (decode → validate → enrich): records and rejections, nothing stored. */
  prepare(topic: Topic, messages: readonly RawMessage[]): Prepared;
  process(topic: Topic, messages: readonly RawMessage[], source: SourceName): Promise<BatchOutcome>;
  onStored(listener: StoredListener): () => void;
  stats(): PipelineStats;
  /** Resolves once the dead letters handed to the publisher are sent (or their failure logged): before closing it. */
  idle(): Promise<void>;
}

export interface PipelineStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  /** Wall-clock time each topic last had a message stored by this process. */
  lastStoredAt: Partial<Record<Topic, string>>;
  /** Milliseconds spent per stage (decode+validate+enrich, database transaction, listeners): where ingest time goes. */
  timing: { prepareMs: number; storeMs: number; listenersMs: number };
}

export function createPipeline(opts: PipelineOptions): Pipeline {
  const listeners = new Set<StoredListener>();
  const stats: PipelineStats = { accepted: 0, duplicates: 0, rejected: 0, batches: 0, lastStoredAt: {}, timing: { prepareMs: 0, storeMs: 0, listenersMs: 0 } };
  const log = opts.log ?? ((l: string) => console.warn(l));
  const now = opts.now ?? Date.now;
  /** The dead-letter publish in flight (settled: never rejects). */
  let publishing: Promise<void> = Promise.resolve();

  function prepare(topic: Topic, messages: readonly RawMessage[]): Prepared {
    const rejected: Rejected[] = [];
    const records: StoredRecord[] = [];
    const recordAt: number[] = [];
    const vopts = { now: now(), maxSkewSeconds: opts.maxEventSkewSeconds };
    messages.forEach((m, at) => {
      // Reasons may echo input: phones are masked before they reach a reply, a table or a log.
      const reject = (code: RejectionCode, reason: string) => rejected.push({ index: m.index ?? at, at, code, reason: redactPhones(reason) });
      const d = decode(m);
      if (!d.ok) return reject(d.code, d.reason);
      const v = validate(topic, d.value, vopts);
      if (!v.ok) return reject(v.code, v.reason);
      const e = enrich(opts.ctx, { topic, value: v.value } as AnyEvent);
      if (!e.ok) return reject(e.code, e.reason);
      records.push(e.record);
      recordAt.push(at);
    });
    return { records, recordAt, rejected };
  }

  async function process(topic: Topic, messages: readonly RawMessage[], source: SourceName): Promise<BatchOutcome> {
    const t0 = performance.now();
    const prepared = prepare(topic, messages);
    const rejected = prepared.rejected;
    let records = prepared.records;
    const letterOf = (r: Rejected): DeadLetter => ({
      topic, source, code: r.code, reason: r.reason,
      payload: deadLetterPayload(messages[r.at]!, r.code === 'too_large' ? TOO_LARGE_PAYLOAD_KEPT : undefined),
    });
    let letters: DeadLetter[] = rejected.map(letterOf);

    const t1 = performance.now();
    opts.disk?.refuseIfFull();
    const stored = await opts.db.transaction(async (tx) => {
      await lockIncidents(tx, records);
      let toWrite = records;
      let refusedLetters: DeadLetter[] = [];
      const refusedRows: Rejected[] = [];
      if (topic === 'unit.status') {
        // Judged against the current state inside this transaction: a refused report is never stored.
        const checked = await checkUnitReports(tx, records as UnitRecord[]);
        if (checked.refused.length) {
          const placeOf = new Map(records.map((r, i) => [r, prepared.recordAt[i]!]));
          for (const x of checked.refused) {
            const at = placeOf.get(x.record)!;
            refusedRows.push({ index: messages[at]!.index ?? at, at, code: 'transition', reason: `${x.refusal}: ${x.detail}` });
          }
          refusedLetters = refusedRows.map(letterOf);
          toWrite = checked.accepted;
        }
      }
      const added = await writeEvents(tx, topic, toWrite as RecordOf<Topic>[]);
      await writeDeadLetters(tx, [...letters, ...refusedLetters]);
      // Only once committed do the refusals count (a retried transaction judges afresh).
      return { added, toWrite, refusedRows, refusedLetters };
    }).catch((err: unknown) => {
      // Rolled back, so nothing of the batch is stored: the sender is told to come back later.
      if (!opts.disk || !isNoSpaceError(err)) throw err;
      opts.disk.noteNoSpace();
      throw new DiskFullError(opts.disk.state());
    });
    const fresh = stored.added;
    if (stored.refusedRows.length) {
      rejected.push(...stored.refusedRows);
      letters = [...letters, ...stored.refusedLetters];
      records = stored.toWrite;
      // Ids and codes only (the reason is built from them): warn level, as every "refused" line.
      for (const r of stored.refusedRows) log(`[ingest] unit.status refused (transition): ${r.reason}`);
    }

    const t2 = performance.now();
    stats.timing.prepareMs += t1 - t0;
    stats.timing.storeMs += t2 - t1;
    stats.batches++;
    stats.accepted += fresh.length;
    stats.duplicates += records.length - fresh.length;
    stats.rejected += rejected.length;
    if (records.length) stats.lastStoredAt[topic] = new Date().toISOString();
    if (letters.length) {
      log(`[ingest] ${letters.length} of ${messages.length} ${topic} message(s) dead-lettered: ${letters[0]!.reason}`);
      if (opts.publishDeadLetters) {
        // Already safe in the table; a failed publish must not fail the batch. Not waited for:
        // a flood's letters were a produce round trip on every batch's path, so the source's
        // next batch is stored while they are sent. One publish in flight at a time: a slower
        // publisher holds the source back here instead of letters piling up in memory.
        await publishing;
        publishing = opts.publishDeadLetters(letters).then(() => undefined,
          (err: Error) => log(`[ingest] dead-letter publish to ${DEAD_LETTER_TOPIC} failed: ${err.message}`));
      }
    }
    const freshSet = new Set<StoredRecord>(fresh);
    const again = records.filter((r) => !freshSet.has(r));
    if (fresh.length || again.length) {
      const batch = { topic, records: fresh, source, again } as StoredBatch;
      for (const l of listeners) {
        try {
          await l(batch);
        } catch (err) {
          log(`[ingest] listener failed on ${topic}: ${(err as Error).message}`);
        }
      }
      stats.timing.listenersMs += performance.now() - t2;
    }
    return { accepted: fresh.length, duplicates: records.length - fresh.length, rejected: rejected.map(({ index, code, reason }) => ({ index, code, reason })) };
  }

  return {
    prepare,
    process,
    onStored(l) { listeners.add(l); return () => listeners.delete(l); },
    idle: () => publishing,
    stats: () => ({ ...stats, lastStoredAt: { ...stats.lastStoredAt }, timing: { ...stats.timing } }),
  };
}
