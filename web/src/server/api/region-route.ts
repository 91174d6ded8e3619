/**
 * GET /api/region/<layer>: the region's layers for the map, read once from REGION_DIR and
 * served from memory with an ETag (the wall reloads them after every reconnect).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Region } from '@watchfloor/config/region';
import { HttpError } from './http';

const FILES = { county: 'county.geojson', neighbours: 'neighbours.geojson', towns: 'towns.geojson', villages: 'villages.geojson', grids: 'grids.geojson' } as const;

export function createRegionRoute(region: Region) {
  const cache = new Map<string, { body: Buffer; etag: string }>();
  const put = (name: string, body: Buffer) => cache.set(name, { body, etag: `"${crypto.createHash('sha1').update(body).digest('hex').slice(0, 16)}"` });
  for (const [name, file] of Object.entries(FILES)) {
    const p = path.join(region.dir, file);
    if (fs.existsSync(p)) put(name, fs.readFileSync(p));
  }
  // Cameras and units without their names: positions and codes are all the map needs.
  put('cameras', Buffer.from(JSON.stringify(region.cameras.map((c) => ({ id: c.id, lon: c.lon, lat: c.lat, gridId: c.gridId, townCode: c.townCode })))));
  put('units', Buffer.from(JSON.stringify(region.units.map((u) => ({ id: u.id, kind: u.kind, townCode: u.townCode, lon: u.lon, lat: u.lat })))));
  put('meta', Buffer.from(JSON.stringify(region.meta)));

  return (name: string, req: IncomingMessage, res: ServerResponse) => {
    const entry = cache.get(name);
    if (!entry) throw new HttpError(404, `no region layer ${name}`);
    if (req.headers['if-none-match'] === entry.etag) {
      res.writeHead(304, { etag: entry.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag: entry.etag, 'cache-control': 'no-cache', 'content-length': entry.body.length });
    res.end(entry.body);
  };
}
