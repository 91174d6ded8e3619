/**
 * The briefing's exports and archive (analyst, admin, the wall token):
 * GET /api/briefing/export.pdf?from=&to=&region=  — the seven pages as one PDF;
 * GET /api/briefing/export.png?page=N&from=&to=&region=  — page N as a PNG;
 * GET /api/briefing/archive  — the kept weeks, newest first;
 * GET /api/briefing/archive/<Monday>.pdf|.json  — a kept week's file, checked against its checksum.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listArchive, readArchived } from '../briefing/archive';
import { briefingExporter, exportQuery, ownBaseUrl } from '../briefing/export-service';
import type { ApiContext } from './context';
import { HttpError, requireRole } from './http';
import { BRIEFING_READERS, BriefingQuerystring, briefingPeriod } from './stats-route';

const PAGE_COUNT = 7;

const fileName = (from: Date, ext: string, page?: number) => `briefing-${from.toISOString().slice(0, 10)}${page ? `-p${page}` : ''}.${ext}`;

export function briefingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const target = (req: FastifyRequest, q: z.infer<typeof BriefingQuerystring>) => {
    const { rt, from, to, townCode } = briefingPeriod(ctx, q);
    return { from, target: { baseUrl: ownBaseUrl(req.raw.socket), token: rt.settings.WALL_TOKEN, query: exportQuery(from, to, townCode), tz: rt.settings.TZ_CENTER } };
  };
  const failed = (err: Error): never => {
    throw new HttpError(503, `the export could not be rendered: ${err.message.split('\n')[0]!.slice(0, 200)}`, 'unavailable');
  };

  r.get('/api/briefing/export.pdf', {
    onRequest: requireRole(BRIEFING_READERS, ctx.settings),
    schema: { querystring: BriefingQuerystring },
  }, async (req, reply) => {
    const { from, target: t } = target(req, req.query);
    const pdf = await briefingExporter(ctx.settings).pdf(t).catch(failed);
    return reply.type('application/pdf').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${fileName(from, 'pdf')}"`).send(pdf);
  });

  r.get('/api/briefing/export.png', {
    onRequest: requireRole(BRIEFING_READERS, ctx.settings),
    schema: { querystring: BriefingQuerystring.extend({ page: z.coerce.number().int().min(1).max(PAGE_COUNT).default(1) }) },
  }, async (req, reply) => {
    const { from, target: t } = target(req, req.query);
    const png = await briefingExporter(ctx.settings).png(t, req.query.page).catch(failed);
    return reply.type('image/png').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${fileName(from, 'png', req.query.page)}"`).send(png);
  });

  r.get('/api/briefing/archive', { onRequest: requireRole(BRIEFING_READERS, ctx.settings) }, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send(listArchive(ctx.settings.DATA_DIR)));

  r.get('/api/briefing/archive/:file', {
    onRequest: requireRole(BRIEFING_READERS, ctx.settings),
    schema: { params: z.object({ file: z.string().max(40) }) },
  }, async (req, reply) => {
    const f = readArchived(ctx.settings.DATA_DIR, req.params.file);
    if (!f) throw new HttpError(404, 'no such kept briefing');
    return reply.type(f.type === 'pdf' ? 'application/pdf' : 'application/json; charset=utf-8').header('cache-control', 'private, max-age=86400, immutable').send(f.body);
  });
}
