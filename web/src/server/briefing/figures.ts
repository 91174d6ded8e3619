/**
 * The briefing's figures for a period and region, as the API, the pages' exports and the
 * weekly archive all compute them: the store's query module over the rules' calendar and limits.
 */
import { lastWeek, type Briefing } from '@watchfloor/config/briefing';
import { loadRulesConfig } from '@watchfloor/config/rules';
import type { Runtime } from '@watchfloor/ingest/runtime';
import { briefing } from '@watchfloor/ingest/store/queries/briefing';
import { makeWorkCalendar } from '@watchfloor/ingest/rules/workCalendar';

export interface BriefingRequest { from: Date | null; to: Date | null; region: string | null }

export class BriefingRequestError extends Error {}

/** Resolves the defaults (last Monday–Sunday, the county) and refuses what cannot be answered. */
export function resolveRequest(rt: Runtime, q: BriefingRequest, now = new Date()): { from: Date; to: Date; townCode: string | null } {
  const tz = rt.settings.TZ_CENTER;
  const def = lastWeek(now, tz);
  const from = q.from ?? (q.to ? new Date(q.to.getTime() - 7 * 86_400_000) : def.from);
  const to = q.to ?? (q.from ? new Date(q.from.getTime() + 7 * 86_400_000) : def.to);
  if (!(from < to)) throw new BriefingRequestError('from must be before to');
  if (to.getTime() - from.getTime() > 400 * 86_400_000) throw new BriefingRequestError('a briefing covers at most 400 days');
  const code = q.region ?? rt.region.meta.code;
  if (code !== rt.region.meta.code && !rt.region.townByCode.has(code)) throw new BriefingRequestError(`region ${code.slice(0, 20)} is neither the county nor one of its towns`);
  return { from, to, townCode: code === rt.region.meta.code ? null : code };
}

export async function briefingFigures(rt: Runtime, q: { from: Date; to: Date; townCode: string | null }): Promise<Briefing> {
  // Read at each request: the rules' folder is reloaded on change, and the briefing must use the calendar in force.
  const rules = loadRulesConfig(rt.settings.RULES_DIR);
  return briefing(rt.readDb, {
    ...q, region: rt.region, calendar: makeWorkCalendar(rules.calendar, rt.settings.TZ_CENTER), limitsWorkingDays: rules.case_deadline.limitsWorkingDays,
  });
}
