/**
 * The wall's data age (newestEventTime) on both stores, whichever of its widening looks finds
 * the newest event: within a day of the instant asked about, a month, a year, or beyond.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newestEventTime } from '@watchfloor/ingest/store/queries/wall';
import { openTestStore, STORE_KINDS, type TestStore } from '../support/pipeline';

const DAY = 86_400_000;
// In a year no other test writes to.
const T0 = Date.parse('2015-06-01T04:00:00.123Z');

for (const kind of STORE_KINDS) {
  describe(`newest event time: ${kind}`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(kind, 'newest_event');
      await s.db.query(
        `INSERT INTO calls (id, received_at, category, priority, summary, lon, lat, source) VALUES ('NE-1', $1, 'help', 2, '', 110.25, 34.5, 'phone')`,
        [new Date(T0).toISOString()]);
      await s.db.query(
        `INSERT INTO case_events (case_id, changed_at, kind, category, status, level, risk, grid_id) VALUES ('NE-K', $1, 'dispute', 'family', 'registered', 'grid', 'blue', 'g')`,
        [new Date(T0 - 3 * DAY).toISOString()]);
    });
    after(async () => { await s.close(); });

    test('found by each look, and by none before the first event', async () => {
      for (const later of [0, 2 * 3_600_000, 10 * DAY, 200 * DAY, 500 * DAY]) {
        assert.equal(await newestEventTime(s.db, new Date(T0 + later)), T0, `asked ${later / DAY} days later`);
      }
      assert.equal(await newestEventTime(s.db, new Date(T0 - 1)), T0 - 3 * DAY);
      assert.equal(await newestEventTime(s.db, new Date(T0 - 3 * DAY - 1)), null);
    });
  });
}
