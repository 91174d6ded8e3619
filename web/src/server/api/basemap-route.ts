/**
 * GET/HEAD /api/basemap.pmtiles: the BASEMAP_PMTILES archive (read role), in byte ranges — the
 * map's pmtiles client reads the header, directories and each tile as a range of the one file,
 * so no tile server is needed. The ETag is the file's size and modification time: an archive
 * replaced while screens are up changes it, and the client then starts over.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './context';
import { answerRange } from './byte-range';
import { HttpError, requireRole, sendError } from './http';

export const BASEMAP_PATH = '/api/basemap.pmtiles';

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

export function basemapRoute(app: FastifyInstance, ctx: ApiContext): void {
  const file = ctx.settings.BASEMAP_PMTILES;
  app.route({
    method: ['GET', 'HEAD'], url: BASEMAP_PATH,
    onRequest: requireRole('read', ctx.settings),
    handler: async (req, reply) => {
      if (!file) throw new HttpError(404, 'no basemap is configured (BASEMAP_PMTILES)');
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat?.isFile()) throw new HttpError(404, 'the basemap archive is missing');
      const etag = `"${stat.size.toString(16)}-${Math.trunc(stat.mtimeMs).toString(16)}"`;
      const answer = answerRange({
        size: stat.size, etag, range: header(req.headers.range),
        ifRange: header(req.headers['if-range']), ifNoneMatch: header(req.headers['if-none-match']),
      });
      reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private, no-cache');
      if (answer.status === 304) return reply.code(304).send();
      if (answer.status === 416) return sendError(reply.header('content-range', `bytes */${stat.size}`), 416, `the archive has ${stat.size} bytes`);
      const length = answer.end - answer.start + 1;
      reply.code(answer.status).type('application/vnd.pmtiles').header('content-length', length);
      if (answer.status === 206) reply.header('content-range', `bytes ${answer.start}-${answer.end}/${stat.size}`);
      if (req.method === 'HEAD' || length === 0) return reply.send();
      return reply.send(fs.createReadStream(file, { start: answer.start, end: answer.end }));
    },
  });
}
