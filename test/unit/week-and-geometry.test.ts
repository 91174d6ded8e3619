/** The response times' week (Monday 00:00 in the center's zone) and the card's grid geometry (distance to an outline, centroid). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOfWeek } from '@watchfloor/config/time';
import { distanceToGeometryM, geometryCentroid, type PolygonGeometry } from '@watchfloor/config/region';

test('startOfWeek is Monday 00:00 local, across a DST change and on Monday itself', () => {
  // Wednesday 2026-12-02 13:10 in Shanghai → Monday 2026-11-30 00:00 +08:00.
  assert.equal(startOfWeek(new Date('2026-12-02T05:10:00Z'), 'Asia/Shanghai').toISOString(), '2026-11-29T16:00:00.000Z');
  // Monday 00:00:30 is its own week; Sunday 23:59:30 the week before.
  assert.equal(startOfWeek(new Date('2026-11-29T16:00:30Z'), 'Asia/Shanghai').toISOString(), '2026-11-29T16:00:00.000Z');
  assert.equal(startOfWeek(new Date('2026-11-29T15:59:30Z'), 'Asia/Shanghai').toISOString(), '2026-11-22T16:00:00.000Z');
  // New York left DST on Sunday 2026-11-01: Tuesday 11-03 → Monday 11-02 00:00 EST (−05:00).
  assert.equal(startOfWeek(new Date('2026-11-03T15:00:00Z'), 'America/New_York').toISOString(), '2026-11-02T05:00:00.000Z');
  // Wednesday 2026-11-04 with Monday 10-26 00:00 EDT the week before the change: Sunday 11-01 → Monday 10-26 (−04:00).
  assert.equal(startOfWeek(new Date('2026-11-01T15:00:00Z'), 'America/New_York').toISOString(), '2026-10-26T04:00:00.000Z');
});

test('distance to a polygon: 0 inside, metres to the nearest edge outside; centroid of a square', () => {
  // A square of about 1.1 km × 1.1 km at 34.5°N.
  const sq: PolygonGeometry = { type: 'Polygon', coordinates: [[[110, 34.5], [110.012, 34.5], [110.012, 34.51], [110, 34.51], [110, 34.5]]] };
  assert.equal(distanceToGeometryM(110.006, 34.505, sq), 0);
  const north = distanceToGeometryM(110.006, 34.51 + 300 / 110_540, sq);
  assert.ok(Math.abs(north - 300) < 1, `300 m north of the edge, got ${north}`);
  const c = geometryCentroid(sq);
  assert.ok(Math.abs(c.lon - 110.006) < 1e-9 && Math.abs(c.lat - 34.505) < 1e-9);
});
