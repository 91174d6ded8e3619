/** Event identity as the rules engine's redelivery guard sees it: an id is one event, whatever time a re-send carries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { rulesRegionOf } from '@watchfloor/ingest/rules/region';
import { SeenIds } from '@watchfloor/ingest/rules/seenIds';
import { tongguan } from '../support/region';
import { at, callRec, config, gridOf, iso } from '../support/rules';

const HOUR = 3_600_000;

test('SeenIds: a key re-sent with a time in another hour is still a duplicate; pruning forgets by first sighting', () => {
  const s = new SeenIds();
  const t = Date.parse('2026-11-20T00:59:59.500Z');
  assert.equal(s.add('C1', t), true);
  assert.equal(s.add('C1', t + 1000), false, 'one second later, across the hour');
  assert.equal(s.add('C1', t - 5 * HOUR), false);
  assert.equal(s.size, 1);
  s.prune(t + 2 * HOUR);
  assert.equal(s.size, 0);
  assert.equal(s.add('C1', t + 1000), true);
});

test('the engine counts a call id re-sent one second later (across an hour) once', () => {
  const e = new RulesEngine({ region: rulesRegionOf(tongguan()), config: config(), tz: 'Asia/Shanghai' });
  const a = callRec({ id: 'DUP1', receivedAt: iso('2026-11-20 10:59:59.5'), gridId: gridOf(3).id });
  const b = callRec({ id: 'DUP1', receivedAt: iso('2026-11-20 11:00:00.5'), gridId: gridOf(3).id });
  e.ingest([a]);
  e.ingest([b]);
  e.sweep(at('2026-11-20 11:10'));
  assert.equal(e.stats().events, 1);
  assert.equal(e.stats().duplicates, 1);
});
