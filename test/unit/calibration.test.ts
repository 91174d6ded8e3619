/**
 * The committed thresholds against the simulated county (docs/calibration.md): after a fresh
 * start's 10-day back-fill, a normal day raises a handful of warnings, mostly yellow, and the
 * wall does not open on a screen full of red.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRulesConfig } from '@watchfloor/config/rules';
import { warningDays } from '../../bench/lib/warning-days';

/** From the 14-day table in docs/calibration.md: max 18 a day, median 15. */
const MAX_PER_DAY = 20;

test('a normal simulated day raises at most 20 warnings, fewer red than yellow; a fresh start shows few', () => {
  const r = warningDays({ config: loadRulesConfig(), seed: 610522, startMs: Date.parse('2026-11-02T00:00:00+08:00'), days: 3 });
  const total = r.days.reduce((a, d) => a + d.total, 0);
  const red = r.days.reduce((a, d) => a + d.red, 0);
  for (const d of r.days) {
    assert.ok(d.total >= 1, `${d.day}: no warning at all (the rules would be silent)`);
    assert.ok(d.total <= MAX_PER_DAY, `${d.day}: ${d.total} warnings ${JSON.stringify(d.raised)}`);
  }
  assert.ok(red < total - red, `red ${red} of ${total}`);
  assert.ok(r.activeAtStart.total <= 15, `active at start ${JSON.stringify(r.activeAtStart)}`);
});
