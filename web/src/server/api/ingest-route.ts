/**
 * POST /api/ingest/<topic>: the same events as the Kafka topics, as a JSON array, one
 * JSON object, or NDJSON (INGEST_TOKEN; rate-limited per token). Each element goes through
 * the same pipeline; the reply says what was stored, what was already there, and why anything
 * was rejected (by index in the body).
 */
import { PARTITION_KEY, isTopic, type Topic } from '@watchfloor/config/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IngestOutcome } from '@watchfloor/config/api';
import { measured } from '@watchfloor/ingest/metrics';
import type { BatchOutcome, RawMessage } from '@watchfloor/ingest/records';
import { splitBodyBytes } from '@watchfloor/ingest/sources/http-body';
import type { Runtime } from '@watchfloor/ingest/runtime';
import { bearerToken, tokenIn } from '@watchfloor/ingest/http/tokens';
import { DiskFullError } from '@watchfloor/ingest/store/disk-space';
import { ready, type ApiContext } from './context';
import { HttpError, requireRole, sendError } from './http';

/** Seconds a sender refused for a full disk waits before sending again: space is freed by a person, not in a moment. */
export const DISK_FULL_RETRY_AFTER_SECONDS = 30;

/**
 * Messages handed to the pipeline at a time: a 10 MB batch is taken in slices, with the event
 * loop free between them, so the wall's sockets keep their pings answered while it is stored.
 * 250, not 1000: a slice's prepare and listeners then take ~4 ms each instead of ~18, and its
 * wall delta stays under the gateway's 64 KB compression threshold, so it is not deflated once
 * per socket; bench:stall's 3×10 MB burst went from ~110 ms to ~33 ms of longest stall, for
 * ~15% more time to store it.
 */
export const INGEST_CHUNK = 250;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Stores the messages slice by slice (each slice committed before the next); rejections keep their index in the whole body. */
export async function ingestInChunks(rt: Pick<Runtime, 'kafka' | 'publisher'>, process: Runtime['pipeline']['process'], topic: Topic, messages: readonly RawMessage[], chunk = INGEST_CHUNK): Promise<BatchOutcome> {
  const total: BatchOutcome = { accepted: 0, duplicates: 0, rejected: [] };
  for (let start = 0; start < messages.length; start += chunk) {
    if (start > 0) await yieldToLoop();
    // Each message keeps the index the sender knows it by, whichever slice it lands in.
    const slice = messages.slice(start, start + chunk).map((m, i) => ({ ...m, index: m.index ?? start + i }));
    const outcome = await process(topic, slice, 'http');
    total.accepted += outcome.accepted;
    total.duplicates += outcome.duplicates;
    total.rejected.push(...outcome.rejected);
    if (rt.kafka) {
      // Deployed: the rules instance reads the Kafka topics, not this process's store, so what
      // was accepted here goes onto the topic too (as received; storing it again is a no-op).
      const bad = new Set(outcome.rejected.map((r) => r.index));
      // Accepted lines parsed as JSON already, so parsing again cannot fail; objects carry their partition key.
      const valid = slice.filter((m) => !bad.has(m.index)).map((m) => (typeof m.value === 'string' ? (JSON.parse(m.value) as unknown) : m.value));
      await rt.publisher.send(topic, valid, PARTITION_KEY[topic]);
    }
  }
  return total;
}

export function ingestRoute(app: FastifyInstance, ctx: ApiContext): void {
  const s = ctx.settings;
  let process: Runtime['pipeline']['process'] | null = null;
  // The body is taken as bytes whatever its declared type (JSON, NDJSON, none): splitBodyBytes
  // decides, and reads a big array a slice at a time rather than as one 10 MB string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: s.INGEST_MAX_BYTES }, (_req, body, done) => done(null, body));
  app.withTypeProvider<ZodTypeProvider>().post('/api/ingest/:topic', {
    bodyLimit: s.INGEST_MAX_BYTES,
    config: {
      rateLimit: {
        max: s.INGEST_RATE_LIMIT,
        timeWindow: s.INGEST_RATE_WINDOW_SECONDS * 1000,
        // Per sender: a valid token is one sender wherever it posts from; anything else counts by address.
        keyGenerator: (req) => {
          const t = bearerToken(req.headers);
          return t && tokenIn(t, [s.INGEST_TOKEN]) ? 'ingest-token' : `ip:${req.ip}`;
        },
      },
    },
    // Who may post is settled before the topic is looked at or a byte of the body is read.
    onRequest: [requireRole('ingest', s), async (req) => {
      const { topic } = req.params as { topic: string };
      if (!isTopic(topic)) throw new HttpError(404, `unknown topic ${topic}`);
    }],
    schema: { params: z.object({ topic: z.custom<Topic>((v) => typeof v === 'string' && isTopic(v), 'unknown topic') }), body: z.custom<Buffer>((v) => Buffer.isBuffer(v), 'a body').optional(), response: { 200: IngestOutcome } },
  }, async (req, reply) => {
    const rt = ready(ctx);
    process ??= measured((t, m, src) => rt.pipeline.process(t, m, src));
    try {
      // Refused before the body is split: a full disk must not cost the parse of 10 MB.
      rt.disk?.refuseIfFull();
      const messages = await splitBodyBytes(req.body ?? Buffer.alloc(0), yieldToLoop, INGEST_CHUNK);
      return reply.header('cache-control', 'no-store').send(await ingestInChunks(rt, process, req.params.topic, messages));
    } catch (err) {
      // Slices committed before the disk filled stay stored; sent again they count as duplicates.
      if (!(err instanceof DiskFullError)) throw err;
      return sendError(reply.header('retry-after', String(DISK_FULL_RETRY_AFTER_SECONDS)), 503, err.message, 'disk_full');
    }
  });
}
