/**
 * GET  /api/warnings?status=open|acknowledged|resolved|active|all&from=&to=
 * POST /api/warnings/<id>/ack      { note?, by? }   — admin token only (never the wall token)
 * POST /api/warnings/<id>/resolve  { note?, by? }   — admin token only
 * "open" is raised and not yet acknowledged; "active" is open or acknowledged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Runtime } from '@watchfloor/ingest/runtime';
import { actOnWarning, listWarnings, type WarningFilter, type WarningRow } from '@watchfloor/ingest/store/warnings';
import { HttpError, readBody, requireToken, sendJson, timeParam } from './http';

const Filter = z.enum(['open', 'acknowledged', 'resolved', 'active', 'all']);
const HandBody = z.object({ note: z.string().max(2000).optional(), by: z.string().min(1).max(128).optional() });


/** What the API shows of a warning: the contract of the issue, plus its figures and acknowledgement. */
function view(w: WarningRow) {
  return {
    id: w.id, rule: w.rule, colour: w.colour, regionCode: w.regionCode, reason: w.reason, raisedAt: w.raisedAt,
    status: w.status === 'raised' ? 'open' : w.status, evidence: w.evidence, figures: w.figures, updatedAt: w.updatedAt,
    resolvedAt: w.resolvedAt, acknowledgedAt: w.acknowledgedAt, acknowledgedBy: w.acknowledgedBy, note: w.note,
  };
}

export function createWarningsRoute(rt: Runtime, onHandAction: (w: WarningRow) => void) {
  return async (rest: string, req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (rest === '' && req.method === 'GET') {
      const f = Filter.safeParse(url.searchParams.get('status') ?? 'active');
      if (!f.success) throw new HttpError(400, 'status must be open, acknowledged, resolved, active or all');
      const rows = await listWarnings(rt.db, f.data as WarningFilter, { from: timeParam(url, 'from'), to: timeParam(url, 'to') });
      sendJson(res, 200, rows.map(view));
      return;
    }
    const m = /^\/([^/]+)\/(ack|resolve)$/.exec(rest);
    if (!m || req.method !== 'POST') throw new HttpError(404, 'no such warnings route');
    requireToken(req, url, [rt.settings.ADMIN_TOKEN]);
    const raw = (await readBody(req, 64 * 1024)).toString('utf8').trim();
    let parsed: unknown = {};
    if (raw) {
      try { parsed = JSON.parse(raw); } catch { throw new HttpError(400, 'body is not JSON'); }
    }
    const body = HandBody.safeParse(parsed);
    if (!body.success) throw new HttpError(400, body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const id = decodeURIComponent(m[1]!);
    const out = await rt.db.transaction((tx) => actOnWarning(tx, { kind: m[2] === 'ack' ? 'ack' : 'resolve', id, by: body.data.by ?? 'admin', note: body.data.note ?? null }));
    if (out === null) throw new HttpError(404, `no warning ${id}`);
    if (out === 'resolved') throw new HttpError(409, `warning ${id} is already resolved`);
    onHandAction(out);
    sendJson(res, 200, view(out));
  };
}
