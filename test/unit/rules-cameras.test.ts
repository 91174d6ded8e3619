/** camera_online (per town) and crowd_cluster (per grid). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WarningChange } from '@watchfloor/config/rules';
import { tongguan } from '../support/region';
import { alertRec, at, engine, gridOf, HOUR, iso, MIN } from '../support/rules';

const R = 30_000;
const T0 = at('2026-11-20 10:00');
const only = (rule: string) => (c: WarningChange) => c.warning.rule === rule;

const town = tongguan().cameras[0]!.townCode;
const cams = tongguan().cameras.filter((c) => c.townCode === town);
const N = cams.length;
const offline = (i: number, t: number) => alertRec({ cameraId: cams[i]!.id, occurredAt: iso(t), type: 'camera_offline', confidence: 1 });
const seen = (i: number, t: number) => alertRec({ cameraId: cams[i]!.id, occurredAt: iso(t), type: 'vehicle_violation', confidence: 0.8 });

test('camera_online: a town below 95% is yellow, below 90% red; it clears at 96% after the quiet period', () => {
  const e = engine();
  const yellowAt = Math.floor(N * 0.05) + 1; // the first count that takes the rate under 95%
  const redAt = Math.floor(N * 0.1) + 1;
  const ch: WarningChange[] = [];
  for (let i = 0; i < yellowAt - 1; i++) ch.push(...e.ingest([offline(i, T0 + i * MIN)]));
  ch.push(...e.sweep(T0 + (yellowAt - 1) * MIN));
  assert.equal(ch.filter(only('camera_online')).length, 0, `${yellowAt - 1}/${N} offline is still ≥ 95%`);
  for (let i = yellowAt - 1; i < redAt; i++) ch.push(...e.ingest([offline(i, T0 + i * MIN)]));
  ch.push(...e.sweep(T0 + redAt * MIN + R));
  const all = ch.filter(only('camera_online'));
  // Raised yellow; each further offline camera updates the figures; red from the one that crosses 90%.
  assert.deepEqual(all.map((c) => c.kind), ['raised', ...Array(redAt - yellowAt).fill('updated')]);
  const w = [all[0]!, all.find((c) => c.warning.colour === 'red')!];
  assert.equal(w[0]!.warning.colour, 'yellow');
  assert.equal(w[0]!.warning.raisedAt, T0 + (yellowAt - 1) * MIN);
  assert.equal(w[1]!.warning.updatedAt, T0 + (redAt - 1) * MIN);
  assert.equal(w[1], all.at(-1));
  assert.equal(w[1]!.warning.regionCode, town);
  assert.match(w[1]!.warning.reason, new RegExp(`视频在线率 \\d+\\.\\d%（${N - redAt}/${N}），低于 90%`));
  assert.equal(w[1]!.warning.evidence.length, Math.min(20, redAt));

  // Cameras report again until only 3% are offline: ≥ 96% → quiet 10 min → resolved.
  const keepOff = Math.floor(N * 0.03);
  const back = T0 + HOUR;
  const again = [];
  for (let i = keepOff; i < redAt; i++) again.push(seen(i, back + (i - keepOff) * 1000));
  const lastBack = back + (redAt - 1 - keepOff) * 1000;
  const ch2 = [...e.ingest(again), ...e.sweep(lastBack + 9 * MIN + R)];
  assert.equal(ch2.filter((c) => c.kind === 'resolved').length, 0, 'not before the quiet period');
  const done = e.sweep(lastBack + 10 * MIN + R).filter(only('camera_online'));
  // ≥ 96% was reached some seconds before the last camera came back; the quiet period runs from then.
  assert.equal(done.length, 1);
  assert.equal(done[0]!.kind, 'resolved');
  assert.ok(done[0]!.warning.resolvedAt! <= lastBack + 10 * MIN && done[0]!.warning.resolvedAt! > back);
});

test('camera_online: an offline mark expires after 24 h without word from the camera', () => {
  const e = engine();
  const k = Math.floor(N * 0.05) + 1;
  const ch = e.ingest(Array.from({ length: k }, (_, i) => offline(i, T0)));
  ch.push(...e.sweep(T0 + 30 * HOUR));
  const w = ch.filter(only('camera_online'));
  assert.deepEqual(w.map((c) => c.kind), ['raised', 'resolved']);
  // Offline until T0 + 24 h; back at 100% then, and resolved after the 10-minute quiet period.
  assert.equal(w[1]!.warning.resolvedAt, T0 + 24 * HOUR + 10 * MIN);
});

test('camera_online: the latest word wins whatever the arrival order', () => {
  const k = Math.floor(N * 0.05) + 1;
  const recs = Array.from({ length: k }, (_, i) => [offline(i, T0 + i * 1000), seen(i, T0 + i * 1000 + 500)]).flat();
  const a = engine();
  const b = engine();
  const chA = [...a.ingest(recs), ...a.sweep(T0 + HOUR)].filter(only('camera_online'));
  const chB = [...b.ingest([...recs].reverse()), ...b.sweep(T0 + HOUR)].filter(only('camera_online'));
  assert.equal(chA.length, 0, 'each camera came back half a second later');
  assert.equal(chB.length, 0);
});

test('crowd_cluster: 3 crowd alerts in 20 minutes is below; the 4th is yellow, the 6th red; clears after window + quiet', () => {
  const g = gridOf(0);
  assert.ok(g.cameras.length > 0);
  const cam = g.cameras[0]!.id;
  const crowd = (m: number, confidence = 0.9) => alertRec({ cameraId: cam, occurredAt: iso(T0 + m * MIN), type: 'crowd', confidence });
  const e = engine();
  let ch = [...e.ingest([crowd(0), crowd(5), crowd(10), crowd(11, 0.3)]), ...e.sweep(T0 + 12 * MIN + R)];
  assert.equal(ch.filter(only('crowd_cluster')).length, 0, 'three (and one low-confidence) are below');
  ch = [...e.ingest([crowd(12)]), ...e.sweep(T0 + 13 * MIN + R)].filter(only('crowd_cluster'));
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.colour, c.warning.raisedAt]), [['raised', 'yellow', T0 + 12 * MIN]]);
  assert.match(ch[0]!.warning.reason, /20分钟内人员聚集告警 4 次/);
  assert.equal(ch[0]!.warning.regionCode, g.id);
  ch = [...e.ingest([crowd(14), crowd(15)]), ...e.sweep(T0 + 16 * MIN + R)].filter(only('crowd_cluster'));
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.colour]), [['updated', 'yellow'], ['updated', 'red']]);
  // Last alert at 10:15 → window empty at 10:35 → quiet 10 min → resolved 10:45.
  ch = e.sweep(T0 + 44 * MIN + R).filter(only('crowd_cluster'));
  assert.equal(ch.length, 0);
  ch = e.sweep(T0 + 45 * MIN + R).filter(only('crowd_cluster'));
  assert.deepEqual(ch.map((c) => [c.kind, c.warning.resolvedAt]), [['resolved', T0 + 45 * MIN]]);
  assert.equal(e.stats().subjects.crowd_cluster, 0, 'an idle grid leaves no state');
});
