/**
 * Property: whatever mix of valid and invalid items a body carries (as a JSON array,
 * pretty-printed, or NDJSON with blank lines), the HTTP body parser and the pipeline store
 * exactly the valid ones and dead-letter exactly the others, at the index the sender knows,
 * and never throw. Over the embedded store (PGlite), with a modest number of runs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { EventOf } from '@watchfloor/config/contracts';
import { splitBody } from '@watchfloor/ingest/sources/http-body';
import { call, uid } from '../support/events';
import { count, openTestStore, type TestStore } from '../support/pipeline';

const NOW = Date.now();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** An ISO time with any offset within ±14:00 and 0–9 fraction digits, for an instant `ms`. */
function isoWith(ms: number, offsetMin: number, fraction: string): string {
  const d = new Date(ms + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const o = Math.abs(offsetMin);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    + `${fraction ? `.${fraction}` : ''}${sign}${pad(Math.floor(o / 60))}:${pad(o % 60)}`;
}

type Item = { valid: true; value: EventOf<'police.calls'> } | { valid: false; value: unknown; text?: string };

const validTime = fc.record({
  ms: fc.integer({ min: Date.UTC(1900, 0, 2), max: NOW + 600_000 }),
  offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
  fraction: fc.stringMatching(/^[0-9]{0,9}$/),
}).map(({ ms, offset, fraction }) => isoWith(ms, offset, fraction));

const valid: fc.Arbitrary<Item> = fc.record({ receivedAt: validTime, summary: fc.string({ maxLength: 40 }).filter((s) => !s.includes('\u0000')) })
  .map(({ receivedAt, summary }) => ({ valid: true, value: call({ id: uid('P'), receivedAt, summary }) }));

const deep = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
const invalid: fc.Arbitrary<Item> = fc.oneof(
  fc.constantFrom('summary', 'id', 'category').map((f) => ({ valid: false as const, value: { ...call(), id: uid('X'), [f]: 'a\u0000b' } })),
  fc.constant({ valid: false as const, value: { ...call(), id: uid('X'), location: { lon: 110.2, lat: 34.5, address: '\u0000' } } }),
  fc.constantFrom('0000-01-01T00:00:00Z', '1899-12-31T23:00:00Z', '2026-11-20T10:15:00+16:00', '2026-11-20T10:15:00-17:00', '9999-01-01T00:00:00Z')
    .map((receivedAt) => ({ valid: false as const, value: { ...call(), id: uid('X'), receivedAt } })),
  fc.integer({ min: 1, max: 24 * 30 }).map((h) => ({ valid: false as const, value: { ...call(), id: uid('X'), receivedAt: new Date(NOW + 3_600_000 * h).toISOString() } })),
  fc.integer({ min: 17, max: 3000 }).map((n) => ({ valid: false as const, value: deep(n) })),
  fc.constantFrom(0, 4, -1).map((priority) => ({ valid: false as const, value: { ...call(), id: uid('X'), priority } })),
  fc.constant({ valid: false as const, value: { ...call(), id: uid('X'), gridId: '999999999999-99' } }),
  fc.constantFrom('{oops', 'not json', '{"id": "x",', 'nul \u0000 {').map((text) => ({ valid: false as const, value: text, text })),
);

const batch = fc.record({
  items: fc.array(fc.oneof(valid, invalid), { minLength: 1, maxLength: 16 }),
  format: fc.constantFrom('array', 'pretty', 'ndjson'),
  blanks: fc.array(fc.nat({ max: 2 }), { minLength: 16, maxLength: 16 }),
});

/** The body text and, per item, the index a rejection must carry. */
function bodyOf(items: Item[], format: string, blanks: number[]): { body: string; index: number[] } {
  // In a JSON document an unparseable item can only travel as a string (itself not JSON, so rejected as such).
  if (format !== 'ndjson') {
    const arr = items.map((i) => i.value);
    return { body: format === 'pretty' ? JSON.stringify(arr, null, 2) : JSON.stringify(arr), index: items.map((_, k) => k) };
  }
  const lines: string[] = [];
  const index: number[] = [];
  items.forEach((it, k) => {
    for (let b = 0; b < blanks[k]!; b++) lines.push(k % 2 ? '   ' : '');
    index.push(lines.length);
    lines.push(!it.valid && it.text !== undefined ? it.text : JSON.stringify(it.value));
  });
  // Windows line ends too, now and then.
  return { body: lines.join(blanks[0] === 2 ? '\r\n' : '\n'), index };
}

let s: TestStore;
before(async () => { s = await openTestStore('embedded', 'property'); });
after(async () => { await s.close(); });

test('any mix of valid and invalid items: exactly the valid ones stored, exactly the others dead-lettered, never a throw', async () => {
  await fc.assert(fc.asyncProperty(batch, async ({ items, format, blanks }) => {
    const isObject = (it: Item) => typeof it.value === 'object' && it.value !== null && !Array.isArray(it.value);
    // An NDJSON body in which no line is an object is one broken document (docs/api.md): one rejection.
    fc.pre(format !== 'ndjson' || items.length === 1 || items.some(isObject));
    const { body, index } = bodyOf(items, format, blanks);
    const want = items.length === 1 ? [0] : index;
    const lettersBefore = await count(s.db, 'SELECT count(*)::int AS n FROM dead_letters');
    const out = await s.pipeline.process('police.calls', splitBody(body), 'http');

    const goodIds = items.filter((i): i is Extract<Item, { valid: true }> => i.valid).map((i) => i.value.id);
    const badAt = items.flatMap((it, k) => (it.valid ? [] : [want[k]!]));
    assert.equal(out.accepted, goodIds.length, JSON.stringify(out.rejected));
    assert.equal(out.duplicates, 0);
    assert.deepEqual(out.rejected.map((r) => r.index), badAt);
    for (const r of out.rejected) assert.ok(r.code && r.reason, JSON.stringify(r));
    assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM calls WHERE id = ANY($1)', [goodIds]), goodIds.length);
    assert.equal(await count(s.db, 'SELECT count(*)::int AS n FROM dead_letters') - lettersBefore, badAt.length);
  }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 40), seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined });
});
