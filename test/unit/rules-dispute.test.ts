/**
 * repeat_dispute (民转刑): the same caller (keyed hash) or the same spot, N dispute calls
 * within D days → a red warning naming the grid, never the person.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallCategory } from '@watchfloor/config/contracts';
import { at, callRec, DAY, engine, gridOf, HOUR, iso, MIN } from '../support/rules';

const T0 = at('2026-11-10 09:00');
const G = gridOf(40);
const P = G.point!;
const PHONE = '13912345678';

const dispute = (t: number, over: { phone?: string; lon?: number; lat?: number; category?: CallCategory } = {}) => callRec({
  receivedAt: iso(t), category: over.category ?? 'dispute.neighbor', priority: 2, gridId: G.id,
  location: { lon: over.lon ?? P.lon, lat: over.lat ?? P.lat }, ...(over.phone !== null ? { callerPhone: over.phone ?? PHONE } : {}),
});
const only = (rule: string) => (c: { warning: { rule: string } }) => c.warning.rule === rule;

test('same caller: 2 calls in 7 days is below, the 3rd raises red naming the grid only', () => {
  const e = engine();
  const calls = [dispute(T0), dispute(T0 + 2 * DAY)];
  let ch = e.ingest(calls);
  ch.push(...e.sweep(T0 + 3 * DAY));
  assert.equal(ch.filter(only('repeat_dispute')).length, 0);
  const third = dispute(T0 + 4 * DAY, { category: 'dispute.family' });
  ch = e.ingest([third]);
  ch.push(...e.sweep(T0 + 4 * DAY + MIN));
  const r = ch.filter(only('repeat_dispute'));
  assert.equal(r.length, 1);
  const w = r[0]!.warning;
  assert.equal(w.colour, 'red');
  assert.equal(w.raisedAt, T0 + 4 * DAY);
  assert.equal(w.regionCode, G.id);
  assert.equal(w.subject, G.id);
  assert.match(w.reason, /同一来电近7天报纠纷 3 次/);
  assert.deepEqual(w.evidence, [...calls, third].map((c) => (c.event as { id: string }).id));
  // Nothing of the person: no phone, no masked phone, no caller hash, anywhere in the warning.
  const text = JSON.stringify(w);
  const hash = third.topic === 'police.calls' ? third.callerHash! : '';
  assert.ok(!text.includes(PHONE) && !text.includes('5678') && !text.includes(hash) && !text.includes(hash.slice(0, 12)));
});

test('same caller: spread over more than the window is no warning; other categories do not count', () => {
  const e = engine();
  const ch = e.ingest([dispute(T0), dispute(T0 + 3.5 * DAY), dispute(T0 + 7.5 * DAY), dispute(T0 + 8 * DAY, { category: 'traffic' })]);
  ch.push(...e.sweep(T0 + 20 * DAY));
  assert.equal(ch.filter(only('repeat_dispute')).length, 0);
});

test('same caller: clears when fewer than clearBelow calls remain in the window, at that exact instant', () => {
  const e = engine();
  const ch = e.ingest([dispute(T0), dispute(T0 + DAY), dispute(T0 + 2 * DAY), dispute(T0 + 2 * DAY + HOUR)]);
  ch.push(...e.sweep(T0 + 30 * DAY));
  const r = ch.filter(only('repeat_dispute'));
  assert.deepEqual(r.map((c) => c.kind), ['raised', 'updated', 'resolved']);
  // 4 calls → 3 at T0+7d (still ≥ 2) → 2 at T0+8d → 1 at T0+9d: below clearBelow (2) → resolved.
  assert.equal(r[2]!.warning.resolvedAt, T0 + 9 * DAY);
  assert.equal(r[1]!.warning.figures.calls, 4);
  assert.equal(e.stats().subjects.repeat_dispute, 0, 'callers and calls leave the state once their window has passed');
});

test('same spot: different callers within the radius raise a place warning; farther apart, none', () => {
  const near = engine();
  const d = 30 / 111_000; // ~30 m
  let ch = near.ingest([
    dispute(T0, { phone: '13800000001' }), dispute(T0 + DAY, { phone: '13800000002', lat: P.lat + d }), dispute(T0 + 2 * DAY, { phone: '13800000003', lon: P.lon + d }),
  ]);
  ch.push(...near.sweep(T0 + 3 * DAY));
  let r = ch.filter(only('repeat_dispute'));
  assert.equal(r.length, 1);
  assert.match(r[0]!.warning.reason, /同一地点100米内近7天纠纷警情 3 起（3 个来电）/);
  assert.equal(r[0]!.warning.regionCode, G.id);

  const far = engine();
  const k = 300 / 111_000;
  ch = far.ingest([
    dispute(T0, { phone: '13800000001' }), dispute(T0 + DAY, { phone: '13800000002', lat: P.lat + k }), dispute(T0 + 2 * DAY, { phone: '13800000003', lat: P.lat + 2 * k }),
  ]);
  ch.push(...far.sweep(T0 + 3 * DAY));
  assert.equal(ch.filter(only('repeat_dispute')).length, 0);

  // One phone at one spot is the caller rule's, not a second (place) warning.
  const one = engine();
  ch = one.ingest([dispute(T0), dispute(T0 + DAY), dispute(T0 + 2 * DAY)]);
  ch.push(...one.sweep(T0 + 3 * DAY));
  r = ch.filter(only('repeat_dispute'));
  assert.equal(r.length, 1);
  assert.match(r[0]!.warning.reason, /同一来电/);
});

test('calls without a number can only form a place cluster', () => {
  const e = engine();
  const noPhone = (t: number) => callRec({ receivedAt: iso(t), category: 'dispute.debt', priority: 3, gridId: G.id, location: { lon: P.lon, lat: P.lat } });
  const ch = e.ingest([noPhone(T0), noPhone(T0 + HOUR), noPhone(T0 + 2 * HOUR)]);
  ch.push(...e.sweep(T0 + DAY));
  const r = ch.filter(only('repeat_dispute'));
  assert.equal(r.length, 1);
  assert.match(r[0]!.warning.reason, /同一地点.*3 个来电/);
});
