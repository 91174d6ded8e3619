/**
 * One event is one event: identity from the topic's descriptor, event times at one
 * precision, and a bad neighbour never costs a valid event its place. Both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { alert, call, caseChange, uid, unitStatus } from '../support/events';
import { count, openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';

for (const kind of STORE_KINDS) {
  describe(`event identity: ${kind}`, () => {
    let s: TestStore;
    before(async () => { s = await openTestStore(kind, 'identity'); });
    after(async () => { await s.close(); });

    test('a call id re-sent with receivedAt 1 s later is the same call (the first wins)', async () => {
      const c = call({ receivedAt: '2026-11-20T10:15:00+08:00' });
      assert.equal((await s.pipeline.process('police.calls', [{ value: c }], 'http')).accepted, 1);
      const again = await s.pipeline.process('police.calls', [{ value: { ...c, receivedAt: '2026-11-20T10:15:01+08:00', priority: 1 } }], 'http');
      assert.deepEqual(again, { accepted: 0, duplicates: 1, rejected: [] });
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM calls WHERE id = $1', [c.id]), 1);
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM incidents WHERE call_id = $1', [c.id]), 1);
      const { rows } = await s.db.query<{ received_at: Date; priority: number }>('SELECT received_at, priority FROM calls WHERE id = $1', [c.id]);
      assert.equal(new Date(rows[0]!.received_at).toISOString(), '2026-11-20T02:15:00.000Z');
      assert.equal(rows[0]!.priority, 2);
      // In one batch too.
      const d = call();
      const both = await s.pipeline.process('police.calls', [{ value: d }, { value: { ...d, receivedAt: '2026-11-20T10:15:01+08:00' } }], 'http');
      assert.deepEqual(both, { accepted: 1, duplicates: 1, rejected: [] });
    });

    test('an alert id re-sent with another occurredAt is the same alert', async () => {
      const a = alert();
      await s.pipeline.process('camera.alerts', [{ value: a }], 'bus');
      const again = await s.pipeline.process('camera.alerts', [{ value: { ...a, occurredAt: '2026-11-20T11:00:01+08:00' } }], 'bus');
      assert.deepEqual(again, { accepted: 0, duplicates: 1, rejected: [] });
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM alerts WHERE id = $1', [a.id]), 1);
    });

    test('a case.status time with 7 fraction digits is stored once, and its cases row is created', async () => {
      const c = caseChange({ changedAt: '2026-11-20T09:00:00.9999999+08:00' });
      const out = await s.pipeline.process('case.status', [{ value: c }], 'bus');
      assert.deepEqual(out, { accepted: 1, duplicates: 0, rejected: [] });
      const { rows } = await s.db.query<{ changed_at: Date }>('SELECT changed_at FROM cases WHERE case_id = $1', [c.caseId]);
      assert.equal(rows.length, 1);
      assert.equal(new Date(rows[0]!.changed_at).toISOString(), '2026-11-20T01:00:00.999Z');
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM case_events WHERE case_id = $1', [c.caseId]), 1);
      assert.deepEqual(await s.pipeline.process('case.status', [{ value: c }], 'bus'), { accepted: 0, duplicates: 1, rejected: [] });
    });

    test('two unit events 100 µs apart: the same answer in one batch and in two', async () => {
      const u1 = uid('U');
      const u2 = uid('U');
      const a = (unitId: string) => unitStatus({ unitId, at: '2026-11-20T10:20:00.1231+08:00', position: undefined });
      const b = (unitId: string) => unitStatus({ unitId, at: '2026-11-20T10:20:00.1232+08:00', position: undefined });
      const one = await s.pipeline.process('unit.status', [{ value: a(u1) }, { value: b(u1) }], 'bus');
      const first = await s.pipeline.process('unit.status', [{ value: a(u2) }], 'bus');
      const second = await s.pipeline.process('unit.status', [{ value: b(u2) }], 'bus');
      assert.deepEqual([one.accepted, one.duplicates], [first.accepted + second.accepted, first.duplicates + second.duplicates]);
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM unit_events WHERE unit_id = $1', [u1]),
        await count(s.db, 'SELECT count(*)::int AS n FROM unit_events WHERE unit_id = $1', [u2]));
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM units WHERE unit_id = $1', [u2]), 1);
    });

    test('what the store cannot hold is dead-lettered alone; its valid neighbours are stored', async () => {
      const good = [call(), call()];
      let deep: unknown = [];
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const bad = [
        { ...call(), summary: 'nul \u0000 here' },
        { ...call(), receivedAt: '0000-01-01T00:00:00Z' },
        { ...call(), receivedAt: '2026-11-20T10:15:00+16:00' },
        { ...call(), receivedAt: '9999-01-01T00:00:00Z' },
        deep,
        { ...call(), location: { lon: 110.2, lat: 34.5, address: 'a\u0000b' } },
      ];
      const before = await count(s.db, 'SELECT count(*)::int AS n FROM dead_letters');
      const out = await s.pipeline.process('police.calls', [{ value: good[0] }, ...bad.map((value) => ({ value })), { value: good[1] }], 'bus');
      assert.equal(out.accepted, 2);
      assert.deepEqual(out.rejected.map((r) => [r.index, r.code]), [
        [1, 'unstorable'], [2, 'unstorable'], [3, 'unstorable'], [4, 'future'], [5, 'too_deep'], [6, 'unstorable'],
      ]);
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM calls WHERE id = ANY($1)', [good.map((g) => g.id)]), 2);
      assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM dead_letters') - before, 6);
      assert.equal(await count(s.db, "SELECT count(*)::int AS n FROM dead_letters WHERE code = 'too_deep' AND payload LIKE '[[[[%'"), 1);
    });

    test('a NUL in what the dead-letter writer keeps (an unparseable text) does not fail the batch', async () => {
      const c = call();
      const out = await s.pipeline.process('police.calls', [{ value: 'not json \u0000 at all' }, { value: JSON.stringify(c) }], 'kafka');
      assert.equal(out.accepted, 1);
      assert.equal(out.rejected[0]!.code, 'not_json');
    });
  });
}
