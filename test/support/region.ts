/** The committed Tongguan region, loaded once per test file. */
import path from 'node:path';
import { buildGridIndex, loadRegion, type Region } from '@watchfloor/config/region';
import { REPO_ROOT } from '@watchfloor/config/settings';

let cached: Region | null = null;
export function tongguan(): Region {
  cached ??= loadRegion(path.join(REPO_ROOT, 'config', 'regions', 'tongguan'));
  return cached;
}
export const tongguanGrids = () => buildGridIndex(tongguan().grids);
