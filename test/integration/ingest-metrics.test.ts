/**
 * The stand-alone ingest process's /metrics server (what `npm run ingest` starts on
 * METRICS_PORT), with the counters the runtime's wrapped pipeline feeds: token required,
 * Prometheus text, nothing else served.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSettings } from '@watchfloor/config/settings';
import { startMetricsServer } from '@watchfloor/ingest/http/metrics-server';
import { createLogger } from '@watchfloor/ingest/log';
import { measured } from '@watchfloor/ingest/metrics';

test('the ingest process serves /metrics on METRICS_PORT behind its token', async () => {
  const settings = loadSettings({ HOST: '127.0.0.1', METRICS_PORT: '0', METRICS_TOKEN: 'metrics-test-token' });
  const server = await startMetricsServer(settings, createLogger({ level: 'error', destination: { write: () => undefined } }));
  try {
    const process = measured(async () => ({ accepted: 3, duplicates: 1, rejected: [{ index: 0, code: 'not_json' as const, reason: 'not JSON: x' }] }));
    await process('camera.alerts', [], 'kafka');
    assert.equal((await fetch(`${server.address}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.address}/metrics`, { headers: { authorization: `Bearer ${settings.ADMIN_TOKEN}` } })).status, 401, 'METRICS_TOKEN, when set, is the one');
    const r = await fetch(`${server.address}/metrics`, { headers: { authorization: 'Bearer metrics-test-token' } });
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /^watchfloor_events_ingested_total\{topic="camera\.alerts"\} 3$/m);
    assert.match(text, /^watchfloor_events_rejected_total\{topic="camera\.alerts",reason="not_json"\} 1$/m);
    assert.match(text, /^watchfloor_ingest_batch_seconds_count\{source="kafka"\} 1$/m);
    const other = await fetch(`${server.address}/api/health`);
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'not_found');
  } finally {
    await server.close();
  }
});
