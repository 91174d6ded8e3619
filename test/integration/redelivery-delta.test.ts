/**
 * A Kafka redelivery passes its records on to the wall again. An ingest process killed between
 * its database commit and its wall delta leaves its offsets uncommitted; the group's next member
 * gets the same messages, all duplicates to the store. Passed on only when new, they would never
 * reach a screen (the scale-out test's kill lands in that window now and then). An HTTP re-send of
 * stored events is not passed on (an old file re-posted must not bring back old states).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { WallDeltaBody } from '@watchfloor/config/wall';
import { wallDeltaOf } from '@watchfloor/ingest/live/wall-deltas';
import { alert, call, caseChange, uid } from '../support/events';
import { openTestStore, type TestStore } from '../support/pipeline';

let s: TestStore;
const deltas: WallDeltaBody[] = [];

before(async () => {
  s = await openTestStore('postgres', 'redelivery_delta');
  s.pipeline.onStored((b) => { const d = wallDeltaOf(b); if (d) deltas.push(d); });
});
after(async () => { await s?.close(); });

const itemsOf = (d: WallDeltaBody | undefined): string[] => {
  if (!d) return [];
  switch (d.type) {
    case 'calls': case 'alerts': return d.items.map((x) => x.id);
    case 'cases': return d.items.map((x) => `${x.caseId}:${x.status}`);
    default: return [];
  }
};

test('a redelivered Kafka batch is passed on to the wall again, an HTTP re-send is not', async () => {
  const now = Date.now();
  const calls = [call({ id: uid('C'), receivedAt: new Date(now - 60_000).toISOString() }), call({ id: uid('C'), receivedAt: new Date(now - 50_000).toISOString() })];
  const alerts = [alert({ id: uid('A'), occurredAt: new Date(now - 40_000).toISOString() })];
  const cases = [caseChange({ caseId: uid('MD'), changedAt: new Date(now - 30_000).toISOString() })];
  const batches = [['police.calls', calls], ['camera.alerts', alerts], ['case.status', cases]] as const;
  for (const [topic, values] of batches) {
    const msgs = values.map((v) => ({ value: JSON.stringify(v) }));
    const first = await s.pipeline.process(topic, msgs, 'kafka');
    assert.equal(first.accepted, values.length);
    const published = itemsOf(deltas.pop());
    assert.equal(published.length, values.length, `${topic}: the first delivery's delta`);
    // The process died before that delta left: the same messages come again, to another member.
    const again = await s.pipeline.process(topic, msgs, 'kafka');
    assert.equal(again.duplicates, values.length, `${topic}: all duplicates to the store`);
    assert.deepEqual(itemsOf(deltas.pop()), published, `${topic}: the redelivery passes the same items on`);
    const http = await s.pipeline.process(topic, msgs, 'http');
    assert.equal(http.duplicates, values.length);
    assert.equal(deltas.length, 0, `${topic}: an HTTP re-send is not passed on`);
  }
});
