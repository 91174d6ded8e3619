// Which red warnings the wall announces (web/src/wall/warning-announce.ts): each new one once, none
// already red when the wall first looked, and the memory of what was seen stays as small as the list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WallWarning } from '@watchfloor/config/wall';
import { newlyRed } from '../../web/src/wall/warning-announce';

const w = (id: string, colour: WallWarning['colour'], raisedAt: number): WallWarning => ({
  id, rule: 'grid_surge', colour, regionCode: '610522100001', reason: '呼入激增', raisedAt, status: 'raised',
});
const list = (...ws: WallWarning[]) => Object.fromEntries(ws.map((x) => [x.id, x]));

test('a red warning is announced once, oldest first; those red at the first look and yellow ones are not', () => {
  const seen = new Set<string>();
  assert.deepEqual(newlyRed(seen, list(w('a', 'red', 1), w('b', 'yellow', 2))).map((x) => x.id), ['a'], 'the first look learns what is red');
  assert.deepEqual(newlyRed(seen, list(w('a', 'red', 1), w('b', 'yellow', 2), w('d', 'red', 5), w('c', 'red', 4))).map((x) => x.id), ['c', 'd']);
  assert.deepEqual(newlyRed(seen, list(w('a', 'red', 1), w('b', 'red', 2), w('c', 'red', 4), w('d', 'red', 5))).map((x) => x.id), ['b'], 'turned red');
  assert.deepEqual(newlyRed(seen, list(w('a', 'red', 1), w('b', 'red', 2), w('c', 'red', 4), w('d', 'red', 5))), []);
  // Red, then yellow while still listed, then red again: not announced twice.
  newlyRed(seen, list(w('a', 'yellow', 1)));
  assert.deepEqual(newlyRed(seen, list(w('a', 'red', 1))), []);
});

test('over months of warnings raised and resolved, what is remembered stays as small as the list', () => {
  const seen = new Set<string>();
  newlyRed(seen, {});
  let announced = 0;
  for (let i = 0; i < 5000; i++) {
    // Three open at a time: each is raised red and resolved (gone from the list) two steps later.
    announced += newlyRed(seen, list(...[i - 2, i - 1, i].filter((k) => k >= 0).map((k) => w(`w${k}`, 'red', k)))).length;
    assert.ok(seen.size <= 3, `remembers ${seen.size} ids with 3 listed`);
  }
  assert.equal(announced, 5000);
});
