/**
 * The API, served by the custom server ahead of Next.js. Handlers are plain functions
 * over the runtime, so they share its single store connection and in-process bus (Next
 * route handlers would get their own module instances).
 */
import type { Runtime } from '@watchfloor/ingest/runtime';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendJson } from './http';
import { ingestRoute } from './ingest-route';
import { createRegionRoute } from './region-route';
import { summaryRoute } from './stats-route';
import { createWarningsRoute } from './warnings-route';
import type { WarningRow } from '@watchfloor/ingest/store/warnings';

export interface ApiHooks {
  /** A person acknowledged or resolved a warning: the screens must hear of it. */
  onWarningChanged(w: WarningRow): void;
}

export function createApi(rt: Runtime, log: (l: string) => void, hooks: ApiHooks) {
  const region = createRegionRoute(rt.region);
  const warnings = createWarningsRoute(rt, hooks.onWarningChanged);
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const p = url.pathname;
    if (!p.startsWith('/api/')) return false;
    try {
      if (p === '/api/health') {
        const h = await rt.health();
        sendJson(res, h.status === 'ok' ? 200 : 503, h);
      } else if (p.startsWith('/api/ingest/')) {
        await ingestRoute(rt, decodeURIComponent(p.slice('/api/ingest/'.length)), req, res, url);
      } else if (p.startsWith('/api/region/') && req.method === 'GET') {
        region(p.slice('/api/region/'.length), req, res);
      } else if (p === '/api/warnings' || p.startsWith('/api/warnings/')) {
        await warnings(p.slice('/api/warnings'.length), req, res, url);
      } else if (p === '/api/stats/summary') {
        await summaryRoute(rt, res, url);
      } else {
        throw new HttpError(404, `no route ${p}`);
      }
    } catch (err) {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { error: err.message, ...err.body });
      } else {
        log(`[api] ${req.method} ${p} failed: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      }
    }
    return true;
  };
}
