/** GET /api/stats/summary?from=&to= — the figures of store/queries/summary.ts for a range. */
import { summary } from '@watchfloor/ingest/store/queries/summary';
import type { Runtime } from '@watchfloor/ingest/runtime';
import type { ServerResponse } from 'node:http';
import { HttpError, sendJson, timeParam } from './http';
import { startOfDay } from '@watchfloor/config/time';


export async function summaryRoute(rt: Runtime, res: ServerResponse, url: URL): Promise<void> {
  const now = new Date();
  // Default range: today in the center's time zone, up to now.
  const from = timeParam(url, 'from') ?? startOfDay(now, rt.settings.TZ_CENTER);
  const to = timeParam(url, 'to') ?? now;
  if (!(from < to)) throw new HttpError(400, 'from must be before to');
  sendJson(res, 200, await summary(rt.db, { from, to }));
}
