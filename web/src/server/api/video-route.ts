/**
 * Video export of a replayed range (analysts and admins; writes carry the session's CSRF token):
 * POST   /api/video/jobs            — start a job (VideoRequest) → 202 VideoJob;
 * GET    /api/video/jobs/:id        — the job and its progress (poll);
 * DELETE /api/video/jobs/:id        — cancel it (the file, if any, is deleted);
 * GET    /api/video/jobs/:id/file   — the finished WebM.
 * A job is seen by its owner and admins only.
 */
import fs from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '@watchfloor/config/auth';
import { VideoRequest } from '@watchfloor/config/video';
import { ownBaseUrl } from '../briefing/export-service';
import { videoJobs } from '../video/service';
import { ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

export const VIDEO_EXPORTERS: readonly Principal[] = ['analyst', 'admin'];

const Params = z.object({ id: z.string().uuid() });

function who(req: FastifyRequest): { name: string; admin: boolean } {
  const c = req.caller!;
  return { name: `${c.kind}:${c.name}`, admin: c.role === 'admin' };
}

export function videoRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const allowed = requireRole(VIDEO_EXPORTERS, ctx.settings);
  const notFound = () => new HttpError(404, 'no such video job');

  r.post('/api/video/jobs', { onRequest: allowed, schema: { body: VideoRequest } }, async (req, reply) => {
    const rt = ready(ctx);
    // Only what is stored can be replayed: the clip ends now at the latest.
    if (req.body.to > Date.now()) throw new HttpError(400, 'to must not be in the future');
    const job = videoJobs(ctx.settings).start(req.body, who(req).name, {
      chromium: ctx.settings.CHROMIUM_PATH, baseUrl: ownBaseUrl(req.raw.socket), token: rt.settings.WALL_TOKEN, tz: rt.settings.TZ_CENTER,
    });
    return reply.code(202).header('cache-control', 'no-store').send(job);
  });

  r.get('/api/video/jobs/:id', { onRequest: allowed, schema: { params: Params } }, async (req, reply) => {
    const job = videoJobs(ctx.settings).get(req.params.id, who(req));
    if (!job) throw notFound();
    return reply.header('cache-control', 'no-store').send(job);
  });

  r.delete('/api/video/jobs/:id', { onRequest: allowed, schema: { params: Params } }, async (req, reply) => {
    const job = videoJobs(ctx.settings).cancel(req.params.id, who(req));
    if (!job) throw notFound();
    return reply.header('cache-control', 'no-store').send(job);
  });

  r.get('/api/video/jobs/:id/file', { onRequest: allowed, schema: { params: Params } }, async (req, reply) => {
    const file = videoJobs(ctx.settings).file(req.params.id, who(req));
    if (!file) throw notFound();
    const job = videoJobs(ctx.settings).get(req.params.id, who(req))!;
    const name = `replay-${new Date(job.request.from).toISOString().slice(0, 16).replace(/[:T]/g, '')}-${job.request.speed}x.webm`;
    return reply.type('video/webm').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}"`).send(fs.createReadStream(file));
  });
}
