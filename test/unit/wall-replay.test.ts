/** The replay vocabulary of config/src/wall/replay.ts: the range parameter, zoned inputs, delta numbering, the clock's advance. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  KEYFRAME_EVERY_MS, MAX_REPLAY_RANGE_MS, advanceTo, formatReplayRange, keyframeAt, msToZonedLocal, parseReplayRange, replaySeq, replaySeqThrough, zonedLocalToMs,
  type WallState,
} from '@watchfloor/config/wall';

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2026-12-02T12:00:00+08:00');

test('?replay=FROM..TO reads ISO times, days in the center’s zone and ms; a lost + comes back; the future is cut off', () => {
  assert.deepEqual(parseReplayRange('2026-11-30..2026-11-30', TZ, NOW), { from: Date.parse('2026-11-30T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00') });
  assert.deepEqual(parseReplayRange('2026-11-30T08:00:00 08:00..2026-11-30T09:00:00+08:00', TZ, NOW),
    { from: Date.parse('2026-11-30T00:00:00Z'), to: Date.parse('2026-11-30T01:00:00Z') });
  assert.deepEqual(parseReplayRange(`${NOW - 1000}..${NOW + 1000}`, TZ, NOW), { from: NOW - 1000, to: NOW });
  assert.equal(parseReplayRange('2026-12-03..2026-12-04', TZ, NOW), null, 'wholly in the future');
  assert.equal(parseReplayRange('yesterday', TZ, NOW), null);
  assert.equal(parseReplayRange('2026-11-30..nonsense', TZ, NOW), null);
  const long = parseReplayRange('2025-01-01..2026-12-01', TZ, NOW)!;
  assert.equal(long.to - long.from, MAX_REPLAY_RANGE_MS, 'at most a month');
  const r = { from: Date.parse('2026-11-30T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00') };
  assert.deepEqual(parseReplayRange(formatReplayRange(r), TZ, NOW), r, 'what the wall writes it reads back');
});

test('datetime-local values are wall-clock time in the center’s zone, whatever the browser’s', () => {
  assert.equal(zonedLocalToMs('2026-11-30T14:05', TZ), Date.parse('2026-11-30T14:05:00+08:00'));
  assert.equal(zonedLocalToMs('2026-03-29T03:30', 'Europe/Berlin'), Date.parse('2026-03-29T03:30:00+02:00'), 'after a DST change');
  assert.equal(msToZonedLocal(Date.parse('2026-11-30T14:05:00+08:00'), TZ), '2026-11-30T14:05');
  assert.equal(zonedLocalToMs('', TZ), null);
});

test('replayed deltas are numbered by event time, then kind; figures last in their millisecond', () => {
  const t = Date.parse('2026-11-30T14:05:00+08:00');
  assert.ok(replaySeq(t, 'calls') < replaySeq(t, 'units'), 'a call before the unit events naming it');
  assert.ok(replaySeq(t, 'cases') < replaySeq(t, 'warnings'));
  assert.ok(replaySeq(t, 'warnings') < replaySeq(t, 'figures'));
  assert.ok(replaySeq(t, 'figures') <= replaySeqThrough(t) && replaySeqThrough(t) < replaySeq(t + 1, 'calls'));
  assert.ok(Number.isSafeInteger(replaySeqThrough(Date.parse('2100-01-01T00:00:00Z'))));
  assert.equal(keyframeAt(t + 7 * 60_000), t - 5 * 60_000);
  assert.equal(keyframeAt(t - 5 * 60_000), t - 5 * 60_000);
  assert.equal(Date.parse('2026-11-30T00:00:00+08:00') % KEYFRAME_EVERY_MS, 0, 'local midnights are keyframes');
});

test('advancing the clock slides the windows and stamps the moment', () => {
  const t = Date.parse('2026-11-30T14:05:00+08:00');
  const s: WallState = {
    epoch: 'replay', seq: replaySeqThrough(t), at: t, newestEventAt: t, gridCalls: { g: 1 }, cases: {}, units: {}, offlineCameras: {}, warnings: {},
    incidents: [{ id: 'C1', t: t - 23 * 3_600_000, category: 'fraud', priority: 2, lon: 0, lat: 0, gridId: 'g', townCode: null, state: 'received' }],
    alerts: [{ id: 'A1', t: t - 30 * 60_000, type: 'crowd', cameraId: 'K', gridId: 'g', lon: 0, lat: 0 }],
    figures: { dayStart: t, callsToday: 0, callsSameTimeLastWeek: 0, callsByHourToday: [], callsByHourLastWeek: [], byCategoryToday: {}, resolutionRate30d: null, camerasTotal: 1, gridCalls7d: {}, gridAlerts24h: {} },
  };
  assert.equal(advanceTo(s, t), s, 'no time passed: the same state');
  const later = advanceTo(s, t + 2 * 3_600_000);
  assert.equal(later.at, t + 2 * 3_600_000);
  assert.equal(later.seq, replaySeqThrough(t + 2 * 3_600_000));
  assert.deepEqual(later.incidents, []);
  assert.deepEqual(later.gridCalls, {});
  assert.deepEqual(later.alerts, []);
});
