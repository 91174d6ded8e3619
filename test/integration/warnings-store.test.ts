/**
 * Warnings in the store: one row per warning whoever derived it (the live engine, or a
 * rebuild after a restart), acknowledgements stamp updatedAt, and a rebuild resolves what it
 * no longer holds open.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { WarningChange } from '@watchfloor/config/rules';
import type { Db } from '@watchfloor/ingest/store/db';
import { migrate } from '@watchfloor/ingest/store/migrate';
import { openPglite } from '@watchfloor/ingest/store/pglite-db';
import { actOnWarning, listWarnings, resolveActiveExcept, storeWarningChanges } from '@watchfloor/ingest/store/warnings';
import { at, callRec, caseRec, engine, iso, MIN } from '../support/rules';

let db: Db;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-wstore-'));
before(async () => {
  db = await openPglite(dir);
  await migrate(db, { tz: 'Asia/Shanghai' });
});
after(async () => {
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const T0 = at('2026-11-18 10:00');

test('a red case entered late, then rebuilt after a restart, is one stored warning', async () => {
  const red = caseRec({ caseId: 'RED-STORE-1', changedAt: iso(T0 + MIN), risk: 'red' });
  const traffic = Array.from({ length: 10 }, (_, i) => callRec({ receivedAt: iso(T0 + i * MIN) }));
  // Live: sweeps by the wall clock; the case reaches the engine 3 minutes after it turned red.
  const live = engine();
  const liveChanges: WarningChange[] = [];
  for (let now = T0, i = 0; now <= T0 + 10 * MIN; now += 5_000) {
    while (i < traffic.length && T0 + i * MIN + 1_000 <= now) liveChanges.push(...live.ingest([traffic[i++]!]));
    if (now === T0 + 4 * MIN) liveChanges.push(...live.ingest([red]));
    liveChanges.push(...live.sweep(now));
  }
  await db.transaction((tx) => storeWarningChanges(tx, liveChanges));
  // The restart: the same events, sorted, into a new engine.
  const again = engine();
  const rebuilt = [...again.ingest([traffic[0]!, red, ...traffic.slice(1)]), ...again.sweep(T0 + 10 * MIN)];
  await db.transaction((tx) => storeWarningChanges(tx, rebuilt, { history: false }));
  const rows = (await listWarnings(db, 'active', { from: null, to: null })).filter((w) => w.rule === 'red_case' && w.subject === 'RED-STORE-1');
  assert.equal(rows.length, 1, JSON.stringify(rows.map((r) => [r.id, r.raisedAt])));
  assert.equal(rows[0]!.raisedAt, new Date(T0 + MIN).toISOString());
});

test('acknowledging a warning moves its updatedAt', async () => {
  const [w] = (await listWarnings(db, 'open', { from: null, to: null })).filter((x) => x.rule === 'red_case');
  assert.ok(w);
  const t0 = Date.now();
  const acked = await db.transaction((tx) => actOnWarning(tx, { kind: 'ack', id: w.id, by: '值班长', note: null }));
  assert.ok(acked && acked !== 'resolved');
  assert.equal(acked.status, 'acknowledged');
  assert.ok(Date.parse(acked.updatedAt) >= t0 - 1_000, `updatedAt ${acked.updatedAt} is the acknowledgement's time`);
  assert.equal(acked.updatedAt, acked.acknowledgedAt);
});

test('a rebuild resolves the stored warnings it does not hold open, and only those', async () => {
  const keep = caseRec({ caseId: 'RED-KEEP', changedAt: iso(T0 + 2 * MIN), risk: 'red' });
  const e = engine();
  const changes = [...e.ingest([keep]), ...e.sweep(T0 + 5 * MIN)];
  await db.transaction((tx) => storeWarningChanges(tx, changes));
  const open = e.openWarnings().map((w) => w.id);
  const resolved = await db.transaction((tx) => resolveActiveExcept(tx, open, T0 + 6 * MIN));
  assert.deepEqual(resolved.map((r) => r.subject), ['RED-STORE-1']);
  assert.equal(resolved[0]!.resolvedAt, new Date(T0 + 6 * MIN).toISOString());
  assert.deepEqual((await listWarnings(db, 'active', { from: null, to: null })).map((w) => w.subject), ['RED-KEEP']);
});
