/**
 * GET /api/region/<layer>: the region's layers for the map (read role), read once from
 * REGION_DIR and served from memory with an ETag (the wall reloads them after every reconnect).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { displayId } from '@watchfloor/config/privacy';
import type { Region } from '@watchfloor/config/region';
import { ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

const FILES = { county: 'county.geojson', neighbours: 'neighbours.geojson', towns: 'towns.geojson', villages: 'villages.geojson', grids: 'grids.geojson' } as const;

type Layers = Map<string, { body: Buffer; etag: string }>;

function loadLayers(region: Region): Layers {
  const cache: Layers = new Map();
  const put = (name: string, body: Buffer) => cache.set(name, { body, etag: `"${crypto.createHash('sha1').update(body).digest('hex').slice(0, 16)}"` });
  for (const [name, file] of Object.entries(FILES)) {
    const p = path.join(region.dir, file);
    if (fs.existsSync(p)) put(name, fs.readFileSync(p));
  }
  // Cameras and units without their names: positions and codes are all the map needs; ids
  // in the display form the wall's snapshot and deltas use, so they match.
  put('cameras', Buffer.from(JSON.stringify(region.cameras.map((c) => ({ id: displayId('camera', c.id), lon: c.lon, lat: c.lat, gridId: c.gridId, townCode: c.townCode })))));
  put('units', Buffer.from(JSON.stringify(region.units.map((u) => ({ id: displayId('unit', u.id), kind: u.kind, townCode: u.townCode, lon: u.lon, lat: u.lat })))));
  put('meta', Buffer.from(JSON.stringify(region.meta)));
  return cache;
}

export function regionRoute(app: FastifyInstance, ctx: ApiContext): void {
  let layers: Layers | null = null;
  app.withTypeProvider<ZodTypeProvider>().get('/api/region/:layer', {
    onRequest: requireRole('read', ctx.settings),
    schema: { params: z.object({ layer: z.string() }) },
  }, async (req, reply) => {
    layers ??= loadLayers(ready(ctx).region);
    const entry = layers.get(req.params.layer);
    if (!entry) throw new HttpError(404, `no region layer ${req.params.layer}`);
    reply.header('etag', entry.etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === entry.etag) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(entry.body);
  });
}
