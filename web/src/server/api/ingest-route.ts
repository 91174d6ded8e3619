/**
 * POST /api/ingest/<topic>: the same events as the Kafka topics, as a JSON array, one
 * JSON object, or NDJSON. Each element goes through the same pipeline; the reply says
 * what was stored, what was already there, and why anything was rejected (by index).
 */
import { PARTITION_KEY, isTopic } from '@watchfloor/config/contracts';
import { splitBody } from '@watchfloor/ingest/sources/http-body';
import type { Runtime } from '@watchfloor/ingest/runtime';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, requireToken, sendJson } from './http';

export async function ingestRoute(rt: Runtime, topicName: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'POST') throw new HttpError(405, 'use POST');
  requireToken(req, url, [rt.settings.INGEST_TOKEN]);
  if (!isTopic(topicName)) throw new HttpError(404, `unknown topic ${topicName}`);
  const body = await readBody(req, rt.settings.INGEST_MAX_BYTES);
  const messages = splitBody(body.toString('utf8'));
  const outcome = await rt.pipeline.process(topicName, messages, 'http');
  if (rt.kafka) {
    // Deployed: the rules instance reads the Kafka topics, not this process's store, so what
    // was accepted here goes onto the topic too (as received; storing it again is a no-op).
    const bad = new Set(outcome.rejected.map((r) => r.index));
    // Accepted lines parsed as JSON already, so parsing again cannot fail; objects carry their partition key.
    const valid = messages.filter((m, i) => !bad.has(m.index ?? i)).map((m) => (typeof m.value === 'string' ? (JSON.parse(m.value) as unknown) : m.value));
    await rt.publisher.send(topicName, valid, PARTITION_KEY[topicName]);
  }
  sendJson(res, 200, outcome);
}
