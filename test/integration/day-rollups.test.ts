/**
 * The day rollups (migration 013) against counts written here from the events themselves, on
 * both stores: after batches with duplicates and re-sends, across a local midnight of the
 * center's zone, after rebuild_day_rollups(); and the readers (day-counts.ts) over spans that
 * begin and end inside days, at midnights, and within one day.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventOf } from '@watchfloor/config/contracts';
import { dayCounts } from '@watchfloor/ingest/store/queries/day-counts';
import { openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';
import { tongguan } from '../support/region';

const region = tongguan();
const grids = region.grids.features.map((f) => f.properties);
const cams = region.cameras;
const CATS = ['traffic', 'help', 'dispute.family'] as const;
const TYPES = ['crowd', 'intrusion'] as const;
// Around local midnight of 2018-03-06 → 07 in Asia/Shanghai (16:00 UTC), in a year no other test writes to.
const MIDNIGHT = Date.parse('2018-03-06T16:00:00Z');
const MIN = 60_000;

/** Call i: 1 minute apart starting 95 minutes before the midnight, grids and categories cycling. */
function call(i: number): EventOf<'police.calls'> {
  const g = grids[(i * 7) % grids.length]!;
  return {
    id: `DR-C${i}`, receivedAt: new Date(MIDNIGHT - 95 * MIN + i * 17 * MIN).toISOString(), category: CATS[i % CATS.length]!, priority: 2,
    summary: '测试', location: { lon: 110.25, lat: 34.5 }, gridId: g.code, source: 'phone',
  };
}
function alert(i: number): EventOf<'camera.alerts'> {
  const c = cams[(i * 5) % cams.length]!;
  return { id: `DR-A${i}`, cameraId: c.id, occurredAt: new Date(MIDNIGHT - 70 * MIN + i * 23 * MIN).toISOString(), type: TYPES[i % 2]!, confidence: 0.9 };
}

const N_CALLS = 200; // 17-minute steps: about 2.3 days, crossing three local midnights
const N_ALERTS = 150;
const calls = Array.from({ length: N_CALLS }, (_, i) => call(i));
const alerts = Array.from({ length: N_ALERTS }, (_, i) => alert(i));
const gridTown = new Map(grids.map((g) => [g.code, g.townCode]));
const camGrid = new Map(cams.map((c) => [c.id, c.gridId]));

/** The local day (Asia/Shanghai, UTC+8 without DST) of an instant, as YYYY-MM-DD. */
const localDay = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

/** Expected rollup rows, counted from the events: `${day}|${town}|${key}` → n. */
function expectedCalls(by: 'category' | 'grid'): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of calls) {
    const k = `${localDay(Date.parse(c.receivedAt))}|${gridTown.get(c.gridId!)}|${by === 'category' ? c.category : c.gridId}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}
function expectedAlerts(): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of alerts) {
    const k = `${localDay(Date.parse(a.occurredAt))}|${gridTown.get(camGrid.get(a.cameraId)!)}|${a.type}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

async function rollup(s: TestStore, table: string, key: string): Promise<Map<string, number>> {
  const { rows } = await s.db.query<{ k: string; n: number }>(`SELECT day::text || '|' || town_code || '|' || ${key} AS k, n FROM ${table}`);
  return new Map(rows.map((r) => [r.k, r.n]));
}

async function assertRollupsMatch(s: TestStore) {
  assert.deepEqual(await rollup(s, 'calls_by_day', 'category'), expectedCalls('category'));
  assert.deepEqual(await rollup(s, 'calls_by_day_grid', 'grid_id'), expectedCalls('grid'));
  assert.deepEqual(await rollup(s, 'alerts_by_day', 'type'), expectedAlerts());
}

for (const kind of STORE_KINDS) {
  describe(`day rollups: ${kind}`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(kind, 'day_rollups');
      // Batches that overlap (each event sent twice in all), and a batch with an id twice in it.
      for (let i = 0; i < N_CALLS; i += 40) await s.pipeline.process('police.calls', calls.slice(Math.max(0, i - 20), i + 40).map((value) => ({ value })), 'bus');
      await s.pipeline.process('police.calls', [calls[3]!, calls[3]!, calls[150]!].map((value) => ({ value })), 'bus');
      // A re-send of a call under another time is the same call (the first version wins): not counted again.
      await s.pipeline.process('police.calls', [{ value: { ...calls[10]!, receivedAt: new Date(MIDNIGHT + 5 * 86_400_000).toISOString() } }], 'bus');
      for (let i = 0; i < N_ALERTS; i += 50) await s.pipeline.process('camera.alerts', alerts.slice(Math.max(0, i - 10), i + 50).map((value) => ({ value })), 'bus');
      await s.pipeline.process('camera.alerts', [alerts[7]!, { ...alerts[8]!, occurredAt: new Date(MIDNIGHT + 9 * 86_400_000).toISOString() }].map((value) => ({ value })), 'bus');
    });
    after(async () => { await s?.close(); });

    test('the writers keep each day, town and key counted once per event, days split at local midnight', async () => {
      // The data spans local midnights: the expectation must have more than one day.
      assert.ok(new Set([...expectedCalls('category').keys()].map((k) => k.split('|')[0])).size >= 3);
      await assertRollupsMatch(s);
    });

    test('rebuild_day_rollups() recounts the same rows from the streams', async () => {
      await s.db.query('UPDATE calls_by_day SET n = n + 5');
      await s.db.query('DELETE FROM alerts_by_day');
      await s.db.query('SELECT rebuild_day_rollups()');
      await assertRollupsMatch(s);
    });

    test('dayCounts over spans inside days, at midnights and within one day equals the count of the events', async () => {
      const spans = [
        { from: new Date(MIDNIGHT - 80 * MIN), to: new Date(MIDNIGHT + 86_400_000 + 130 * MIN) }, // both edges partial, one whole day
        { from: new Date(MIDNIGHT), to: new Date(MIDNIGHT + 86_400_000) }, // exactly one day
        { from: new Date(MIDNIGHT + 3 * 3_600_000), to: new Date(MIDNIGHT + 9 * 3_600_000) }, // within one day
        { from: new Date(MIDNIGHT - 86_400_000), to: new Date(MIDNIGHT + 3 * 86_400_000) }, // whole days only
        { from: new Date(MIDNIGHT - 95 * MIN + 17 * MIN), to: new Date(MIDNIGHT - 95 * MIN + 17 * 40 * MIN) }, // ends on an event
      ];
      const inSpan = (t: number, sp: { from: Date; to: Date }, closed: boolean) => t >= sp.from.getTime() && (closed ? t <= sp.to.getTime() : t < sp.to.getTime());
      for (const closed of [false, true]) {
        const got = await dayCounts(s.db, ['callsByCategory', 'callsByGrid', 'alertsByType'], spans, { endInclusive: closed });
        spans.forEach((sp, k) => {
          const total = (src: string) => got.filter((c) => c.span === k && c.source === src).reduce((a, c) => a + c.n, 0);
          const nCalls = calls.filter((c) => inSpan(Date.parse(c.receivedAt), sp, closed)).length;
          assert.equal(total('callsByCategory'), nCalls, `calls in span ${k}${closed ? ' (closed)' : ''}`);
          assert.equal(total('callsByGrid'), nCalls, `calls by grid in span ${k}`);
          assert.equal(total('alertsByType'), alerts.filter((a) => inSpan(Date.parse(a.occurredAt), sp, closed)).length, `alerts in span ${k}`);
        });
      }
      // A town and a key narrow it.
      const town = gridTown.get(calls[0]!.gridId!)!;
      const sp = spans[0]!;
      const got = await dayCounts(s.db, ['callsByCategory'], [sp], { townCode: town, keys: ['traffic'] });
      assert.equal(got.reduce((a, c) => a + c.n, 0),
        calls.filter((c) => c.category === 'traffic' && gridTown.get(c.gridId!) === town && inSpan(Date.parse(c.receivedAt), sp, false)).length);
      assert.ok(got.every((c) => c.town === town && c.key === 'traffic'));
    });
  });
}
