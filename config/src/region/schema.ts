/**
 * The region files' shapes. A deployment swaps in its own region by pointing
 * REGION_DIR at a folder with the same files; these schemas are what it must match.
 */
import { z } from 'zod';

export const TownCode = z.string().regex(/^\d{9}$/, 'town code is the 9-digit statistical code');
export const VillageCode = z.string().regex(/^\d{12}$/, 'village code is the 12-digit statistical code');
export const GridId = z.string().regex(/^\d{12}-\d{2}$/, 'grid id is <village code>-<2 digits>');

export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const Ring = z.array(LonLat).min(4);
export const PolygonGeometry = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
]);
export type PolygonGeometry = z.infer<typeof PolygonGeometry>;

function featureCollection<P extends z.ZodTypeAny>(props: P) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), properties: props, geometry: PolygonGeometry })),
  });
}

/** Where a polygon came from: `real` (from a named source) or `synthetic` (generated inside the real outline). */
export const Provenance = z.enum(['real', 'synthetic']);

export const CountyProps = z.object({ code: z.string().regex(/^\d{6}$/), name: z.string(), provenance: Provenance, source: z.string() });
export const NeighbourProps = z.object({ name: z.string(), provenance: Provenance, source: z.string() });
export const TownProps = z.object({
  code: TownCode, name: z.string(), population: z.number().int().positive(), provenance: Provenance,
  kind: z.enum(['town', 'street']),
});
export const VillageProps = z.object({
  code: VillageCode, name: z.string(), townCode: TownCode, population: z.number().int().positive(),
  provenance: Provenance, kind: z.enum(['village', 'community']),
});
export const GridProps = z.object({
  code: GridId, name: z.string(), villageCode: VillageCode, townCode: TownCode,
  population: z.number().int().positive(), provenance: Provenance, kind: z.enum(['urban', 'rural']),
});

export const CountyFile = featureCollection(CountyProps);
export const NeighboursFile = featureCollection(NeighbourProps);
export const TownsFile = featureCollection(TownProps);
export const VillagesFile = featureCollection(VillageProps);
export const GridsFile = featureCollection(GridProps);

export const Camera = z.object({
  id: z.string().min(1), name: z.string(), lon: z.number(), lat: z.number(), gridId: GridId, townCode: TownCode,
  kind: z.enum(['road', 'square', 'river', 'school', 'market', 'village_entrance']),
});
export const UnitKind = z.enum(['station', 'patrol_car', 'community_officer', 'mediator']);
export const Unit = z.object({
  id: z.string().min(1), name: z.string(), kind: UnitKind, lon: z.number(), lat: z.number(),
  townCode: TownCode, gridId: GridId.optional(),
});
export const CamerasFile = z.array(Camera);
export const UnitsFile = z.array(Unit);

export const RegionMeta = z.object({
  name: z.string(), code: z.string(), centerName: z.string(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  center: LonLat, sources: z.array(z.string()), generatedAt: z.string(), seed: z.number().int(),
});

export type Camera = z.infer<typeof Camera>;
export type Unit = z.infer<typeof Unit>;
export type UnitKind = z.infer<typeof UnitKind>;
export type TownsFile = z.infer<typeof TownsFile>;
export type VillagesFile = z.infer<typeof VillagesFile>;
export type GridsFile = z.infer<typeof GridsFile>;
export type CountyFile = z.infer<typeof CountyFile>;
export type NeighboursFile = z.infer<typeof NeighboursFile>;
export type RegionMeta = z.infer<typeof RegionMeta>;
