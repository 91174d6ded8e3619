/**
 * Synthetic camera inventory. Cameras follow people: every grid gets one, the
 * rest go out in proportion to population with urban grids weighted up, the
 * way county video networks concentrate on the seat's streets and squares.
 */
import type { Camera } from '../../src/region/schema';
import { apportion } from './populations';
import { pointInGrid, type PlacedGrid } from './placement';
import type { Rng } from './seeded-random';

type CameraKind = Camera['kind'];

const LABEL: Record<CameraKind, string> = {
  road: '路口',
  square: '广场',
  river: '河道',
  school: '学校',
  market: '市场',
  village_entrance: '村口',
};

const KINDS: readonly CameraKind[] = ['road', 'square', 'river', 'school', 'market', 'village_entrance'];
// Same order as KINDS. Towns have squares and markets; villages have entrances.
const URBAN_MIX = [0.5, 0.15, 0.04, 0.12, 0.17, 0.02];
const RURAL_MIX = [0.38, 0.04, 0.1, 0.1, 0.08, 0.3];

const URBAN_BOOST = 1.6;

export function buildCameras(grids: readonly PlacedGrid[], townNames: ReadonlyMap<string, string>, total: number, rng: Rng, decimals: number): Camera[] {
  if (total < grids.length) throw new Error(`need at least one camera per grid (${grids.length})`);
  const extra = apportion(total - grids.length, grids.map((g) => g.population * (g.kind === 'urban' ? URBAN_BOOST : 1)));
  const out: Camera[] = [];
  grids.forEach((g, gi) => {
    const n = 1 + (extra[gi] ?? 0);
    for (let k = 0; k < n; k++) {
      const seq = String(out.length + 1).padStart(4, '0');
      const kind = KINDS[rng.weighted(g.kind === 'urban' ? URBAN_MIX : RURAL_MIX)] ?? 'road';
      const [lon, lat] = pointInGrid(g, rng, decimals);
      out.push({
        id: `CAM-${seq}`,
        name: `${townNames.get(g.townCode) ?? g.townCode}-${LABEL[kind]}-${seq}`,
        lon,
        lat,
        gridId: g.code,
        townCode: g.townCode,
        kind,
      });
    }
  });
  return out;
}
