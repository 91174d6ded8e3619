/**
 * A small PMTiles v3 archive built in the test (no planet download): Protomaps-basemap layers
 * (earth, water, landuse, roads, places) over a bbox, cut into vector tiles by geojson-vt and
 * encoded by vt-pbf — the packages maplibre itself uses for GeoJSON — from zoom 0 to
 * `maxZoom`, gzipped as a Protomaps build's are. The layout follows the v3 spec: the 127-byte
 * header, the root directory, the JSON metadata, then the tile data (no leaf directories).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { zxyToTileId } from 'pmtiles';

export type BBox = [number, number, number, number];

type Layers = Record<string, GeoJSON.FeatureCollection>;

const fc = (features: GeoJSON.Feature[]): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features });
const feature = (geometry: GeoJSON.Geometry, properties: Record<string, string | number>): GeoJSON.Feature => ({ type: 'Feature', geometry, properties });

/** Made-up features shaped like the Protomaps basemap's, placed by fractions of the bbox. */
export function sampleLayers([x0, y0, x1, y1]: BBox): Layers {
  const at = (fx: number, fy: number): [number, number] => [x0 + (x1 - x0) * fx, y0 + (y1 - y0) * fy];
  const box = (a: number, b: number, c: number, d: number) => ({ type: 'Polygon' as const, coordinates: [[at(a, b), at(c, b), at(c, d), at(a, d), at(a, b)]] });
  return {
    earth: fc([feature(box(-0.5, -0.5, 1.5, 1.5), { kind: 'earth' })]),
    water: fc([
      feature(box(-0.5, 0.85, 1.5, 1.0), { kind: 'water' }),
      feature({ type: 'LineString', coordinates: [at(0.1, 0.2), at(0.5, 0.5), at(0.9, 0.86)] }, { kind: 'river' }),
    ]),
    landuse: fc([feature(box(0.2, 0.2, 0.45, 0.4), { kind: 'farmland' }), feature(box(0.55, 0.55, 0.7, 0.7), { kind: 'park' })]),
    roads: fc([
      feature({ type: 'LineString', coordinates: [at(-0.2, 0.6), at(0.5, 0.62), at(1.2, 0.58)] }, { kind: 'highway' }),
      feature({ type: 'LineString', coordinates: [at(0.4, -0.2), at(0.42, 0.5), at(0.45, 1.2)] }, { kind: 'major_road' }),
      feature({ type: 'LineString', coordinates: [at(0.3, 0.3), at(0.7, 0.4)] }, { kind: 'minor_road' }),
    ]),
    places: fc([
      feature({ type: 'Point', coordinates: at(0.35, 0.55) }, { kind: 'locality', name: '城关', min_zoom: 6, population_rank: 9 }),
      feature({ type: 'Point', coordinates: at(0.75, 0.3) }, { kind: 'locality', name: '秦东', min_zoom: 8, population_rank: 6 }),
    ]),
  };
}

function lonToX(lon: number, z: number): number { return Math.floor(((lon + 180) / 360) * 2 ** z); }
function latToY(lat: number, z: number): number {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
}

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

interface Entry { tileId: number; offset: number; length: number }

function directory(entries: Entry[]): Buffer {
  const out: number[] = [];
  varint(entries.length, out);
  let last = 0;
  for (const e of entries) { varint(e.tileId - last, out); last = e.tileId; }
  for (const _ of entries) varint(1, out); // run length: every tile is its own
  for (const e of entries) varint(e.length, out);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    // 0: "right after the previous tile", else the offset plus one.
    varint(prev && prev.offset + prev.length === e.offset ? 0 : e.offset + 1, out);
  });
  return Buffer.from(out);
}

export interface BuiltArchive { bytes: Buffer; tiles: number; minZoom: number; maxZoom: number }

export function buildArchive(bbox: BBox, opts: { maxZoom?: number; layers?: Layers } = {}): BuiltArchive {
  const maxZoom = opts.maxZoom ?? 12;
  const layers = opts.layers ?? sampleLayers(bbox);
  const tiles: { tileId: number; data: Buffer }[] = [];
  for (let z = 0; z <= maxZoom; z++) {
    for (let x = lonToX(bbox[0], z); x <= lonToX(bbox[2], z); x++) {
      for (let y = latToY(bbox[3], z); y <= latToY(bbox[1], z); y++) {
        const cut = Object.fromEntries(Object.entries(layers).map(([name, data]) => [name, geoJSONToTile(data, z, x, y, { extent: 4096 })]).filter(([, t]) => t));
        if (!Object.keys(cut).length) continue;
        tiles.push({ tileId: zxyToTileId(z, x, y), data: zlib.gzipSync(fromGeojsonVt(cut, { version: 2, extent: 4096 })) });
      }
    }
  }
  tiles.sort((a, b) => a.tileId - b.tileId);
  let offset = 0;
  const entries = tiles.map((t) => { const e = { tileId: t.tileId, offset, length: t.data.length }; offset += t.data.length; return e; });
  const root = zlib.gzipSync(directory(entries));
  const metadata = zlib.gzipSync(Buffer.from(JSON.stringify({
    name: 'watchfloor test basemap', vector_layers: Object.keys(layers).map((id) => ({ id, fields: {} })),
  })));
  const tileData = Buffer.concat(tiles.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  const rootAt = 127;
  const metaAt = rootAt + root.length;
  const dataAt = metaAt + metadata.length;
  u64(8, rootAt); u64(16, root.length);
  u64(24, metaAt); u64(32, metadata.length);
  u64(40, dataAt); u64(48, 0); // no leaf directories
  u64(56, dataAt); u64(64, tileData.length);
  u64(72, tiles.length); u64(80, tiles.length); u64(88, tiles.length);
  header.writeUInt8(1, 96); // clustered: tiles in tile-id order
  header.writeUInt8(2, 97); // internal compression: gzip
  header.writeUInt8(2, 98); // tile compression: gzip
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(0, 100);
  header.writeUInt8(maxZoom, 101);
  const e7 = (at: number, v: number) => header.writeInt32LE(Math.round(v * 1e7), at);
  e7(102, bbox[0]); e7(106, bbox[1]); e7(110, bbox[2]); e7(114, bbox[3]);
  header.writeUInt8(Math.min(maxZoom, 10), 118);
  e7(119, (bbox[0] + bbox[2]) / 2); e7(123, (bbox[1] + bbox[3]) / 2);
  return { bytes: Buffer.concat([header, root, metadata, tileData]), tiles: tiles.length, minZoom: 0, maxZoom };
}

export function writeArchive(file: string, bbox: BBox, opts?: { maxZoom?: number }): BuiltArchive {
  const built = buildArchive(bbox, opts);
  fs.writeFileSync(file, built.bytes);
  return built;
}
