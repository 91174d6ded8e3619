import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOfDay, toZonedIso, zonedParts } from '@watchfloor/config/time';
import { splitSql } from '@watchfloor/ingest/store/sql-split';
import { splitBody } from '../../web/src/server/api/ingest-route';

test('SQL splitter keeps dollar-quoted bodies, strings and comments intact', () => {
  const s = splitSql(`-- a comment; with semicolon
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
SELECT 'a;b', 'it''s';
SELECT 2`);
  assert.equal(s.length, 3);
  assert.match(s[0]!, /\$\$ SELECT 1; \$\$/);
  assert.equal(s[1], "SELECT 'a;b', 'it''s'");
  assert.equal(s[2], 'SELECT 2');
});

test('HTTP body: JSON array, single object and NDJSON', () => {
  assert.equal(splitBody('[{"a":1},{"a":2}]').length, 2);
  assert.equal(splitBody('{"a":1}').length, 1);
  const nd = splitBody('{"a":1}\n{bad\n{"a":3}\n');
  assert.equal(nd.length, 3);
  assert.equal(nd[1]!.value, '{bad');
  assert.equal(splitBody('  ').length, 0);
  assert.throws(() => splitBody('[1, 2'), /not a JSON array/);
});

test('center-time arithmetic: start of day and zoned ISO in Asia/Shanghai', () => {
  const d = new Date('2026-11-22T17:30:00Z'); // 01:30 on the 23rd in Shanghai
  assert.equal(startOfDay(d, 'Asia/Shanghai').toISOString(), '2026-11-22T16:00:00.000Z');
  assert.equal(toZonedIso(d, 'Asia/Shanghai'), '2026-11-23T01:30:00.000+08:00');
  assert.equal(zonedParts(d, 'Asia/Shanghai').weekday, 1);
  assert.equal(Date.parse(toZonedIso(d, 'America/New_York')), d.getTime());
});
