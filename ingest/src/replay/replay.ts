/**
 * Replays an NDJSON file of `{ "topic", "value" }` lines through a publisher, in file
 * order, optionally paced by the events' own times (speed N = N× real time). Lines whose
 * topic is unknown or that are not JSON are reported and skipped; payloads are passed on
 * as they are, so the pipeline dead-letters bad ones with its usual reasons.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { PARTITION_KEY, ReplayLine, TOPIC_DESCRIPTORS, isTopic, timeOf, type Topic } from '@watchfloor/config/contracts';
import type { Delivery, Publisher } from '../sources/source';

export interface ReplayOptions {
  file: string;
  publisher: Publisher;
  /** 0 = as fast as possible. */
  speed: number;
  batchSize?: number;
  log?: (l: string) => void;
}

export interface ReplayReport {
  lines: number; sent: number; skipped: number;
  /** As the receiver answered; null when it does not answer (Kafka: the ingest consumers judge later). */
  answered: Delivery | null;
}

function eventMs(topic: Topic, value: unknown): number | null {
  const r = TOPIC_DESCRIPTORS[topic].schema.safeParse(value);
  if (!r.success) return null;
  return Date.parse(timeOf(topic, r.data));
}

export async function replayFile(opts: ReplayOptions): Promise<ReplayReport> {
  const log = opts.log ?? (() => undefined);
  const batchSize = opts.batchSize ?? 500;
  const rl = readline.createInterface({ input: fs.createReadStream(opts.file, 'utf8'), crlfDelay: Infinity });
  const report: ReplayReport = { lines: 0, sent: 0, skipped: 0, answered: null };
  let silent = false;
  let pending: { topic: Topic; values: unknown[] } | null = null;
  let firstEventT: number | null = null;
  const wallStart = Date.now();

  const flush = async () => {
    if (!pending || pending.values.length === 0) return;
    const d = await opts.publisher.send(pending.topic, pending.values, PARTITION_KEY[pending.topic]);
    report.sent += pending.values.length;
    // One unanswered send makes the totals unknown, not smaller.
    if (!d) silent = true;
    else if (!silent) {
      const a = (report.answered ??= { accepted: 0, duplicates: 0, rejected: 0 });
      a.accepted += d.accepted;
      a.duplicates += d.duplicates;
      a.rejected += d.rejected;
    }
    if (silent) report.answered = null;
    pending = null;
  };

  for await (const line of rl) {
    report.lines++;
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      report.skipped++;
      log(`[replay] line ${report.lines}: not JSON, skipped`);
      continue;
    }
    const r = ReplayLine.safeParse(parsed);
    if (!r.success || !isTopic(r.data.topic)) {
      report.skipped++;
      log(`[replay] line ${report.lines}: no known "topic", skipped`);
      continue;
    }
    const topic = r.data.topic;
    if (opts.speed > 0) {
      const t = eventMs(topic, r.data.value);
      if (t !== null) {
        firstEventT ??= t;
        const due = wallStart + (t - firstEventT) / opts.speed;
        const wait = due - Date.now();
        if (wait > 5) {
          await flush();
          await new Promise((res) => setTimeout(res, wait));
        }
      }
    }
    if (pending && (pending.topic !== topic || pending.values.length >= batchSize)) await flush();
    pending ??= { topic, values: [] };
    pending.values.push(r.data.value);
  }
  await flush();
  return report;
}
