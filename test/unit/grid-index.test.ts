import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointInPolygon } from '@watchfloor/config/region';
import { mulberry32 } from '@watchfloor/ingest/simulator/random';
import { tongguan, tongguanGrids } from '../support/region';

test('indexed lookup agrees with testing every polygon', () => {
  const region = tongguan();
  const index = tongguanGrids();
  const [minX, minY, maxX, maxY] = region.meta.bbox;
  const rng = mulberry32(7);
  let inside = 0;
  for (let i = 0; i < 3000; i++) {
    const lon = minX + rng() * (maxX - minX);
    const lat = minY + rng() * (maxY - minY);
    const brute = region.grids.features.find((f) => pointInPolygon(lon, lat, f.geometry))?.properties.code ?? null;
    const hit = index.locate(lon, lat);
    assert.equal(hit?.gridId ?? null, brute, `${lon},${lat}`);
    if (hit) {
      inside++;
      const g = region.gridById.get(hit.gridId)!;
      assert.equal(hit.villageCode, g.villageCode);
      assert.equal(hit.townCode, g.townCode);
    }
  }
  assert.ok(inside > 500, 'the sample must hit the county often enough to mean something');
});

test('a point far outside the county has no grid', () => {
  assert.equal(tongguanGrids().locate(116.4, 39.9), null);
});
