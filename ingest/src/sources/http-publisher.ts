/**
 * Publisher that POSTs to a running server's /api/ingest/<topic>: how a separate process
 * (simulator, replay) reaches the embedded mode, whose bus lives inside the server.
 */
import { IngestOutcome } from '@watchfloor/config/api';
import type { Delivery, Publisher } from './source';

export function httpPublisher(baseUrl: string, token: string, log: (l: string) => void = console.warn): Publisher {
  return {
    async send(topic, values): Promise<Delivery> {
      if (values.length === 0) return { accepted: 0, duplicates: 0, rejected: 0 };
      const body = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
      const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/ingest/${encodeURIComponent(topic)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      const answer: unknown = await res.json().catch(() => ({}));
      if (!res.ok) {
        const error = typeof answer === 'object' && answer !== null && 'error' in answer ? String(answer.error) : '';
        throw new Error(`POST /api/ingest/${topic}: HTTP ${res.status} ${error}`);
      }
      const reply = IngestOutcome.safeParse(answer);
      if (!reply.success) throw new Error(`POST /api/ingest/${topic}: the server's answer is not an ingest outcome`);
      for (const r of reply.data.rejected) log(`[publish] ${topic} #${r.index} rejected: ${r.reason}`);
      return { accepted: reply.data.accepted, duplicates: reply.data.duplicates, rejected: reply.data.rejected.length };
    },
    async close() {},
  };
}
