import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geometryCentroid, labelPoint, pointInPolygon, type PolygonGeometry } from '@watchfloor/config/region';

// A U opening north, 0.03° wide: its centroid (in the notch) is outside it.
const U: PolygonGeometry = { type: 'Polygon', coordinates: [[[110, 34.5], [110.03, 34.5], [110.03, 34.53], [110.02, 34.53], [110.02, 34.51], [110.01, 34.51], [110.01, 34.53], [110, 34.53], [110, 34.5]]] };

test('a concave area is labelled inside itself, where its centroid is not', () => {
  const c = geometryCentroid(U);
  assert.ok(!pointInPolygon(c.lon, c.lat, U), 'the fixture: the centroid falls in the notch');
  const p = labelPoint(U)!;
  assert.ok(pointInPolygon(p[0], p[1], U));
  // The thickest part of the U is its 0.01°-high base: the label sits in it, away from the edges.
  assert.ok(p[1] > 34.502 && p[1] < 34.508, `lat ${p[1]}`);
});

test('a square is labelled at its middle; of a MultiPolygon, in its largest part', () => {
  const sq = (x: number, y: number, s: number) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] as [number, number][][];
  const p = labelPoint({ type: 'Polygon', coordinates: sq(110, 34, 0.02) })!;
  assert.ok(Math.abs(p[0] - 110.01) < 1e-4 && Math.abs(p[1] - 34.01) < 1e-4, `${p}`);
  const m = labelPoint({ type: 'MultiPolygon', coordinates: [sq(110, 34, 0.005), sq(110.1, 34, 0.04)] })!;
  assert.ok(Math.abs(m[0] - 110.12) < 1e-4 && Math.abs(m[1] - 34.02) < 1e-4, `${m}`);
});

test('within a box: the label lands on the part the box shows, or nowhere when none is', () => {
  // A large square reaching into the box only at its east edge, 110.09–110.10.
  const big: PolygonGeometry = { type: 'Polygon', coordinates: [[[109.5, 33.5], [110.1, 33.5], [110.1, 34.5], [109.5, 34.5], [109.5, 33.5]]] };
  const box = [110.09, 34.0, 110.3, 34.2] as const;
  const p = labelPoint(big, box)!;
  assert.ok(p[0] > 110.09 && p[0] < 110.1 && p[1] > 34.0 && p[1] < 34.2, `${p}`);
  assert.equal(labelPoint(big, [111, 34, 111.1, 34.1]), null);
});
