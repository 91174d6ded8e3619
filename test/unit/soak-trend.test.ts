// The soak's verdict (bench/lib/soak-trend.ts) on synthetic series of the soak's own shape:
// 60 samples 30 s apart (30 minutes), seeded noise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { fitLine, judgePerUnit, judgeTrend, type Point } from '../../bench/lib/soak-trend';

const RSS = { limitPct: 25 };

function series(f: (t: number, noise: number) => number, n = 60, dt = 30, seed = 1): Point[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({ t: i * dt, v: f(i * dt, rng() * 2 - 1) }));
}

test('the line fit recovers slope and intercept', () => {
  const { a, b, residualSd, tStat } = fitLine(series((t) => 5 + 0.25 * t, 20));
  assert.ok(Math.abs(a - 5) < 1e-9 && Math.abs(b - 0.25) < 1e-12 && residualSd < 1e-9 && tStat > 1e6);
});

test('a plateau after warm-up, with GC-sized noise, passes', () => {
  // Climbs 100 → 300 MB over the first 10 minutes, then flat ± 15 MB.
  const t = judgeTrend(series((t, z) => Math.min(300, 100 + t / 3) + 15 * z), RSS);
  assert.equal(t.verdict, 'ok', t.reason);
  assert.ok(t.first < 120 && t.median > 280);
});

test('a steady leak of 0.5 MB a minute on 300 MB fails (≈ 240 %/24 h)', () => {
  const t = judgeTrend(series((t, z) => 300 + (0.5 * t) / 60 + 2 * z), RSS);
  assert.equal(t.verdict, 'fail', t.reason);
  assert.ok(t.growth24hPct > 100, String(t.growth24hPct));
});

test('a slow growth under the limit passes: 2 MB an hour on 300 MB is 16 %/24 h', () => {
  const t = judgeTrend(series((t, z) => 300 + (2 * t) / 3600 + 0.05 * z), RSS);
  assert.equal(t.verdict, 'ok', t.reason);
  assert.ok(t.growth24hPct > 10 && t.growth24hPct < 25, String(t.growth24hPct));
});

test('a leak under a garbage collector\'s sawtooth (0.5 MB a minute under ± 15 MB) is found by a 2-hour run', () => {
  // In 30 minutes the 7.5 MB rise of the second half is not significant against this noise
  // (t ≈ 2.6); the longer the run, the smaller the leak it resolves.
  const t = judgeTrend(series((t, z) => 300 + (0.5 * t) / 60 + 15 * z, 240), RSS);
  assert.equal(t.verdict, 'fail', t.reason);
});

test('a slope above the limit that is within the noise is not called a leak', () => {
  // One high sample at the very end tilts the line; the residuals say it is noise.
  const s = series((_t, z) => 300 + 20 * z);
  s[s.length - 1] = { t: s.at(-1)!.t, v: 340 };
  const t = judgeTrend(s, RSS);
  assert.ok(t.growth24hPct > 25, `the slope does exceed the limit (${t.growth24hPct})`);
  assert.equal(t.verdict, 'ok', t.reason);
});

test('the floor keeps a tiny median from failing on small absolute growth (event-loop lag)', () => {
  const t = judgeTrend(series((t, z) => 2 + t / 3600 + 0.01 * z), { limitPct: 50, floor: 50 });
  assert.equal(t.verdict, 'ok', t.reason); // 24 ms/24 h: over 50 % of ~2.5 ms, under the 50 ms floor
  const worse = judgeTrend(series((t, z) => 2 + (5 * t) / 3600 + 0.01 * z), { limitPct: 50, floor: 50 });
  assert.equal(worse.verdict, 'fail', worse.reason); // 120 ms/24 h
});

test('strict: a WebGL context count that rises once in the second half fails; a steady or falling one passes', () => {
  const steady = series(() => 1);
  assert.equal(judgeTrend(steady, { limitPct: 0, strict: true }).verdict, 'ok');
  const falls = series((t) => (t < 1500 ? 2 : 1));
  assert.equal(judgeTrend(falls, { limitPct: 0, strict: true }).verdict, 'ok');
  const rises = series((t) => (t < 1500 ? 1 : 2));
  assert.equal(judgeTrend(rises, { limitPct: 0, strict: true }).verdict, 'fail');
});

test('too few samples give no verdict rather than a guess', () => {
  assert.equal(judgeTrend(series((t) => t, 6), RSS).verdict, 'insufficient');
});

test('the database growing with what it stores passes; growing while nothing is stored fails', () => {
  const rng = mulberry32(7);
  // 60 samples, 500 events each, ~800 B/event with page-sized steps.
  const stored = Array.from({ length: 60 }, (_, i) => ({ count: i * 500, v: 50e6 + i * 500 * 800 + Math.floor(rng() * 4) * 8192 }));
  const ok = judgePerUnit(stored, 4096);
  assert.equal(ok.verdict, 'ok', ok.reason);
  assert.ok(Math.abs(ok.perUnit - 800) < 100, String(ok.perUnit));
  // The same events, but a table that also grows by 4 MB a sample whatever is stored (8 KB per event).
  const leaking = stored.map((p, i) => ({ count: p.count, v: p.v + i * 4e6 }));
  const bad = judgePerUnit(leaking, 4096);
  assert.equal(bad.verdict, 'fail', bad.reason);
  // Nothing stored in the second half: no verdict, which the soak counts as a failure.
  const idle = stored.map((p, i) => ({ count: Math.min(p.count, 10_000), v: p.v + i }));
  assert.equal(judgePerUnit(idle, 4096).verdict, 'insufficient');
});
