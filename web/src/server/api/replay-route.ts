/**
 * GET /api/replay/frame?at=ISO          — the wall as it stood at `at` (ReplayFrame)
 * GET /api/replay/deltas?from=ISO&to=ISO — the ordered deltas of (from, to] (ReplayDeltas), at most 6 h
 * Read role (the wall token included): replay shows what the wall showed, nothing more.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_DELTA_SPAN_MS, type ReplayDeltas } from '@watchfloor/config/wall';
import type { Runtime } from '@watchfloor/ingest/runtime';
import { replayService, type ReplayService } from '../replay/replay-service';
import { OptionalTime, ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

const Time = OptionalTime.refine((v) => v !== null, { message: 'required' }).transform((v) => v!.getTime());

/** One service per runtime: its caches live as long as the store it reads. */
const services = new WeakMap<Runtime, ReplayService>();
function serviceOf(rt: Runtime): ReplayService {
  let s = services.get(rt);
  if (!s) services.set(rt, (s = replayService({ db: rt.db, tz: rt.settings.TZ_CENTER, camerasTotal: rt.region.cameras.length })));
  return s;
}

export function replayRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/replay/frame', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ at: Time }) },
  }, async (req, reply) => {
    const rt = ready(ctx);
    // The past only: what is not stored yet cannot be replayed.
    if (req.query.at > Date.now()) throw new HttpError(400, 'at must not be in the future');
    return reply.header('cache-control', 'no-store').send(await serviceOf(rt).frame(req.query.at));
  });

  api.get('/api/replay/deltas', {
    onRequest: requireRole('read', ctx.settings),
    schema: { querystring: z.object({ from: Time, to: Time }) },
  }, async (req, reply) => {
    const rt = ready(ctx);
    const { from } = req.query;
    const to = Math.min(req.query.to, Date.now());
    if (!(from < to)) throw new HttpError(400, 'from must be before to, and in the past');
    if (to - from > MAX_DELTA_SPAN_MS) throw new HttpError(400, `a request covers at most ${MAX_DELTA_SPAN_MS / 3_600_000} h`);
    const body: ReplayDeltas = { from, to, deltas: await serviceOf(rt).deltas(from, to) };
    return reply.header('cache-control', 'no-store').send(body);
  });
}
