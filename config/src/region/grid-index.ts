/**
 * Point → grid lookup. A packed R-tree (Flatbush) over the grids' bounding boxes narrows
 * a point to a handful of candidates before the exact polygon test, so a lookup costs
 * microseconds however many grids a region has.
 */
import Flatbush from 'flatbush';
import { geometryBBox, pointInPolygon } from './geometry';
import type { GridsFile, PolygonGeometry } from './schema';

export interface GridHit {
  gridId: string;
  villageCode: string;
  townCode: string;
}

export interface GridIndex {
  locate(lon: number, lat: number): GridHit | null;
}

export function buildGridIndex(grids: GridsFile): GridIndex {
  const feats = grids.features;
  if (feats.length === 0) return { locate: () => null };
  const tree = new Flatbush(feats.length);
  const geoms: PolygonGeometry[] = [];
  const hits: GridHit[] = [];
  for (const f of feats) {
    const [a, b, c, d] = geometryBBox(f.geometry);
    tree.add(a, b, c, d);
    geoms.push(f.geometry);
    hits.push({ gridId: f.properties.code, villageCode: f.properties.villageCode, townCode: f.properties.townCode });
  }
  tree.finish();
  return {
    locate(lon, lat) {
      for (const i of tree.search(lon, lat, lon, lat)) {
        if (pointInPolygon(lon, lat, geoms[i]!)) return hits[i]!;
      }
      return null;
    },
  };
}
