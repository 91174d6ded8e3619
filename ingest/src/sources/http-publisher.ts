/**
 * Publisher that POSTs to a running server's /api/ingest/<topic>: how a separate process
 * (simulator, replay) reaches the embedded mode, whose bus lives inside the server.
 */
import type { Publisher } from './source';

export function httpPublisher(baseUrl: string, token: string, log: (l: string) => void = console.warn): Publisher {
  return {
    async send(topic, values) {
      if (values.length === 0) return;
      const body = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
      const res = await fetch(`${baseUrl.replace(/\/$/, '')}/api/ingest/${encodeURIComponent(topic)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      const reply = (await res.json().catch(() => ({}))) as { rejected?: { index: number; reason: string }[]; error?: string };
      if (!res.ok) throw new Error(`POST /api/ingest/${topic}: HTTP ${res.status} ${reply.error ?? ''}`);
      for (const r of reply.rejected ?? []) log(`[publish] ${topic} #${r.index} rejected: ${r.reason}`);
    },
    async close() {},
  };
}
