import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HEAT, HEAT_MODES, parseWallView } from '@watchfloor/config/wall';
import { wallFit } from '../../web/src/wall/screen-fit';

test('a wall address names its layers, heat modes and rotation; malformed values are dropped, never fatal', () => {
  const v = parseWallView('?layers=incidents,units&heat=calls-7d-rate,alerts-24h&rotate=60');
  assert.deepEqual(v.layers, ['incidents', 'units']);
  assert.deepEqual(v.heat, [{ source: 'calls', window: '7d', metric: 'rate' }, { source: 'alerts', window: '24h', metric: 'count' }]);
  assert.equal(v.rotateMs, 60_000);
  const bad = parseWallView('?layers=<script>&heat=calls-2y&rotate=1');
  assert.deepEqual(bad, { layers: null, heat: [DEFAULT_HEAT], rotateMs: null });
  // One mode and a rotation: every mode in turn, from the one named, in its metric.
  const all = parseWallView('heat=alerts-24h-rate&rotate=30');
  assert.equal(all.heat.length, HEAT_MODES.length);
  assert.deepEqual(all.heat[0], { source: 'alerts', window: '24h', metric: 'rate' });
  assert.ok(all.heat.every((h) => h.metric === 'rate'));
});

test('the wall fills screens of any shape: 16:9 scales whole, wider or taller screens widen or heighten the design canvas', () => {
  assert.deepEqual(wallFit(3840, 2160), { scale: 2, width: 1920, height: 1080, left: 0, top: 0, dpr: 1 });
  for (const [w, h] of [[3840, 1080], [5760, 2160], [7680, 2160], [6656, 1792], [1440, 1080]] as const) {
    const f = wallFit(w, h);
    assert.ok(f.width >= 1920 && f.height >= 1080, `${w}×${h}`);
    // The canvas covers the screen to within a design pixel on both axes: no letterbox bands.
    assert.ok(w - f.width * f.scale < f.scale + 0.01 && h - f.height * f.scale < f.scale + 0.01, `${w}×${h}: ${JSON.stringify(f)}`);
    assert.ok(f.width * f.scale <= w && f.height * f.scale <= h + 1e-9);
  }
  assert.equal(wallFit(3840, 1080).width, 3840);
});
