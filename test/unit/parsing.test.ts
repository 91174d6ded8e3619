import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOfDay, toZonedIso, zonedParts } from '@watchfloor/config/time';
import { splitSql } from '@watchfloor/ingest/store/sql-split';
import fc from 'fast-check';
import { splitBody, splitBodyBytes } from '@watchfloor/ingest/sources/http-body';

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
});

test('HTTP body: a pretty-printed single object is one event, not one message per line', () => {
  const body = JSON.stringify({ id: 'C1', receivedAt: '2026-11-20T10:15:00+08:00', category: 'traffic', priority: 2, summary: 's', location: { lon: 110.2, lat: 34.5 } }, null, 2);
  assert.ok(body.split('\n').length > 10);
  const m = splitBody(body);
  assert.equal(m.length, 1);
  assert.deepEqual(m[0]!.value, JSON.parse(body));
  // …and a pretty-printed array is its elements.
  assert.equal(splitBody(JSON.stringify([{ a: 1 }, { a: 2 }], null, 2)).length, 2);
});

test('HTTP body: NDJSON indexes are line numbers among all lines (0-based), blank lines counted', () => {
  const m = splitBody('\n\n{"a":1}\n\n{bad\r\n{"a":3}\n');
  assert.deepEqual(m.map((x) => x.index), [2, 4, 5]);
  assert.equal(m[1]!.value, '{bad');
  assert.deepEqual(m[0]!.value, { a: 1 });
});

test('HTTP body: a broken document is one message (rejected as not JSON), never an exception', () => {
  assert.deepEqual(splitBody('[1, 2'), [{ value: '[1, 2', index: 0 }]);
  const broken = '{\n  "id": "C1",\n  "priority": 2\n';
  assert.deepEqual(splitBody(broken), [{ value: broken, index: 0 }]);
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  assert.equal(splitBody(deep).length, 1);
});

const noPause = async () => undefined;

test('HTTP body as bytes: the same messages as splitBody, whatever the shape, valid or broken', async () => {
  const cases = [
    '', '  ', '[]', ' [ ] \n', '[{"a":1},{"a":2}]', '{"a":1}', '{"a":1}\n{bad\n{"a":3}\n', '[1, 2', '[1,]', '[,1]', '[1,,2]',
    '[1] x', '[{"a":"],\\"[{,"},[2,[3]]]', '[{]},1]', '["中文，逗号", {"s":"a\\\\"}, 3]', JSON.stringify([{ a: 1 }, { a: 2 }], null, 2),
    '['.repeat(1000) + ']'.repeat(1000), '[1,2,3,4,5,6,7]', '[1,2,3,4,5,6]',
  ];
  for (const body of cases) {
    for (const per of [1, 2, 3, 1000]) {
      assert.deepEqual(await splitBodyBytes(Buffer.from(body), noPause, per), splitBody(body), `${JSON.stringify(body)} in slices of ${per}`);
    }
  }
  await fc.assert(fc.asyncProperty(fc.oneof(fc.json(), fc.array(fc.jsonValue()).map((a) => JSON.stringify(a)), fc.string()), fc.integer({ min: 1, max: 4 }), async (body, per) => {
    assert.deepEqual(await splitBodyBytes(Buffer.from(body), noPause, per), splitBody(body));
  }), { numRuns: 500 });
});

test('HTTP body as bytes: a big array is parsed a slice at a time, the event loop given back between slices', async () => {
  const items = Array.from({ length: 5000 }, (_, i) => ({ id: `C${i}`, summary: '路口，"事故"' }));
  let pauses = 0;
  const m = await splitBodyBytes(Buffer.from(JSON.stringify(items)), async () => { pauses++; }, 1000);
  assert.deepEqual(m, items.map((value, index) => ({ value, index })));
  assert.equal(pauses, 4);
});

test('center-time arithmetic: start of day and zoned ISO in Asia/Shanghai', () => {
  const d = new Date('2026-11-22T17:30:00Z'); // 01:30 on the 23rd in Shanghai
  assert.equal(startOfDay(d, 'Asia/Shanghai').toISOString(), '2026-11-22T16:00:00.000Z');
  assert.equal(toZonedIso(d, 'Asia/Shanghai'), '2026-11-23T01:30:00.000+08:00');
  assert.equal(zonedParts(d, 'Asia/Shanghai').weekday, 1);
  assert.equal(Date.parse(toZonedIso(d, 'America/New_York')), d.getTime());
});
