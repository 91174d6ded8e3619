/** What the routes need from the server: the runtime once it is up, and the hooks of hand actions. */
import type { Settings } from '@watchfloor/config/settings';
import type { Runtime } from '@watchfloor/ingest/runtime';
import type { WarningRow } from '@watchfloor/ingest/store/warnings';
import { z } from 'zod';
import { HttpError } from './http';

export interface ApiContext {
  settings: Settings;
  /** Null while the data plane starts (the server listens first, so a supervisor sees "starting"). */
  runtime(): Runtime | null;
  /** The start failed: health says down rather than starting. */
  startFailed(): boolean;
  /** A person acknowledged or resolved a warning: the screens must hear of it. */
  onWarningChanged(w: WarningRow): void;
  /** Sessions may have ended (sign-out, revocation, an account change): open sockets re-check theirs. */
  onSessionsChanged?(): void;
}

export function ready(ctx: ApiContext): Runtime {
  const rt = ctx.runtime();
  if (!rt) throw new HttpError(503, ctx.startFailed() ? 'the data plane failed to start' : 'starting', ctx.startFailed() ? 'unavailable' : 'starting');
  return rt;
}

/** An optional ISO-8601 time in a query: absent or empty is null. */
export const OptionalTime = z.string().optional().transform((v, c) => {
  if (v === undefined || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    c.addIssue({ code: 'custom', message: 'not an ISO-8601 time' });
    return z.NEVER;
  }
  return new Date(t);
});
