/** GET /api/stats/summary?from=&to= — the figures of store/queries/summary.ts for a range. */
import { summary } from '@watchfloor/ingest/store/queries/summary';
import type { Runtime } from '@watchfloor/ingest/runtime';
import type { ServerResponse } from 'node:http';
import { HttpError, sendJson } from './http';
import { startOfDay } from '@watchfloor/config/time';

function parseTime(v: string | null, name: string): Date | null {
  if (v === null || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `${name} is not an ISO-8601 time`);
  return new Date(t);
}

export async function summaryRoute(rt: Runtime, res: ServerResponse, url: URL): Promise<void> {
  const now = new Date();
  // Default range: today in the center's time zone, up to now.
  const from = parseTime(url.searchParams.get('from'), 'from') ?? startOfDay(now, rt.settings.TZ_CENTER);
  const to = parseTime(url.searchParams.get('to'), 'to') ?? now;
  if (!(from < to)) throw new HttpError(400, 'from must be before to');
  sendJson(res, 200, await summary(rt.db, { from, to }));
}
