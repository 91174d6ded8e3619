/**
 * The weekly briefing's figures (definitions: config/src/briefing.ts, in the words the pages
 * show). Every SQL the briefing runs is here or in the read models it reuses, so no figure
 * has a second definition: calls, alerts and cases from summary.ts, 化解率 from resolution.ts,
 * response times from response-times.ts, camera status from wall.ts; the 四级七天 deadline
 * from the rules engine's own case derivation and work calendar.
 */
import {
  BULLETIN_KEYS, BULLETIN_PERIODS, sameLastYear, type Briefing, type BriefingPercentiles,
} from '@watchfloor/config/briefing';
import { CASE_LEVELS, OPEN_CASE_STATUS_LIST, type CaseLevel, type CaseStatusCode, type Risk } from '@watchfloor/config/contracts';
import type { Percentiles } from '@watchfloor/config/dispatch';
import type { Region } from '@watchfloor/config/region';
import { compareCaseChanges, deriveCase, type CaseChange } from '../../rules/caseTracker';
import { addWorkingDays, type WorkCalendar } from '../../rules/workCalendar';
import type { Queryable } from '../db';
import { dayCounts } from './day-counts';
import { epochMs } from './epoch-ms';
import { resolution } from './resolution';
import { responseTimeBreakdown, type ResponseTimeFigures } from './response-times';
import { summary, totals, type Range } from './summary';
import { offlineCameras } from './wall';

export interface BriefingQuery {
  from: Date;
  to: Date;
  /** A town's code, or null for the county. */
  townCode: string | null;
  region: Region;
  /** The rules engine's work calendar and 四级七天 limits (config/rules). */
  calendar: WorkCalendar;
  limitsWorkingDays: Record<CaseLevel, number>;
}

const DISPUTE = ['dispute'];
const per10k = (n: number, pop: number) => (pop > 0 ? (n / pop) * 10_000 : 0);
const pct = (p: Percentiles): BriefingPercentiles => ({ n: p.n, p50: p.p50S, p90: p.p90S });
const pair = (f: ResponseTimeFigures | undefined) => ({
  toDispatchS: pct(f?.toDispatch ?? { n: 0, p50S: null, p90S: null }), toArriveS: pct(f?.toArrive ?? { n: 0, p50S: null, p90S: null }),
});

/** Dispute cases open at `to` and past their deadline at that instant, per town. */
async function overdueDisputes(db: Queryable, q: BriefingQuery): Promise<Map<string, number>> {
  const to = q.to.toISOString();
  // Candidates: dispute cases whose last change before `to` leaves them open; their own changes
  // then go through the engine's derivation, so the clock is the one the warnings use.
  const { rows } = await db.query<{ case_id: string; t: number; status: CaseStatusCode; level: CaseLevel; risk: Risk; grid_id: string; town_code: string | null }>(
    // A case closed now whose last change came before `to` was closed at `to` too: only cases open
    // now or changed since can have been open then, and those few are read change by change.
    `WITH maybe AS MATERIALIZED (
       SELECT case_id, town_code FROM cases WHERE opened_at < $1 AND (status = ANY($2::text[]) OR changed_at >= $1)
       AND kind = ANY($3::text[]) AND ($4::text IS NULL OR town_code = $4))
     SELECT m.case_id, ${epochMs('e.changed_at')} AS t, e.status, e.level, e.risk, e.grid_id, coalesce(e.town_code, m.town_code) AS town_code
     FROM case_events e JOIN maybe m USING (case_id)
     -- The candidates as one array: a single index scan (case_events_case) for all of them,
     -- where a probe per case paid the scan's start-up once per candidate.
     WHERE e.case_id = ANY (ARRAY(SELECT case_id FROM maybe)) AND e.changed_at < $1`,
    [to, OPEN_CASE_STATUS_LIST, DISPUTE, q.townCode],
  );
  const byCase = new Map<string, { town: string; changes: CaseChange[] }>();
  for (const r of rows) {
    let c = byCase.get(r.case_id);
    if (!c) byCase.set(r.case_id, (c = { town: r.town_code ?? 'outside', changes: [] }));
    c.town = r.town_code ?? c.town;
    c.changes.push({ t: r.t, status: r.status, level: r.level, risk: r.risk, kind: 'dispute', gridId: r.grid_id });
  }
  const out = new Map<string, number>();
  for (const { town, changes } of byCase.values()) {
    const dc = deriveCase(changes.sort(compareCaseChanges));
    if (!dc.open) continue;
    if (addWorkingDays(dc.enteredAt, q.limitsWorkingDays[dc.level], q.calendar) <= q.to.getTime()) out.set(town, (out.get(town) ?? 0) + 1);
  }
  return out;
}

/** Per rule: warnings raised in the range, those acknowledged before its end, and how long that took. */
async function warningsByRule(db: Queryable, q: BriefingQuery): Promise<Briefing['warnings']['byRule']> {
  // A town's warnings are those placed in it: its own code, its villages' or its grids'.
  const codes = q.townCode === null ? null : [
    q.townCode,
    ...q.region.villages.features.filter((f) => f.properties.townCode === q.townCode).map((f) => f.properties.code),
    ...q.region.grids.features.filter((f) => f.properties.townCode === q.townCode).map((f) => f.properties.code),
  ];
  const { rows } = await db.query<{ rule: string; raised: number; ack: number; p50: number | null; p90: number | null }>(
    `WITH w AS (
       SELECT rule, CASE WHEN acknowledged_at < $2 THEN extract(epoch FROM acknowledged_at - raised_at)::float8 END AS s
       FROM warnings WHERE raised_at >= $1 AND raised_at < $2 AND ($3::text[] IS NULL OR region_code = ANY($3::text[])))
     SELECT rule, count(*)::int AS raised, count(s)::int AS ack,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY s) AS p90
     FROM w GROUP BY rule`,
    [q.from.toISOString(), q.to.toISOString(), codes],
  );
  const out: Briefing['warnings']['byRule'] = {};
  const num = (v: number | null) => (v === null ? null : Number(v));
  for (const r of rows) out[r.rule] = { raised: r.raised, acknowledged: r.ack, toAcknowledgeS: { n: r.ack, p50: num(r.p50), p90: num(r.p90) } };
  return out;
}

/** The bulletin's set over the 8 periods of the range's length ending with it, oldest first. */
async function bulletin(db: Queryable, q: BriefingQuery): Promise<{ periods: { from: Date; to: Date }[]; series: Record<string, number[]> }> {
  const len = q.to.getTime() - q.from.getTime();
  const periods = Array.from({ length: BULLETIN_PERIODS }, (_, i) => {
    const back = (BULLETIN_PERIODS - 1 - i) * len;
    return { from: new Date(q.from.getTime() - back), to: new Date(q.to.getTime() - back) };
  });
  const callKeys = BULLETIN_KEYS.filter((k) => !k.startsWith('dispute.') && k !== 'petition');
  const [calls, cases] = await Promise.all([
    dayCounts(db, ['callsByCategory'], periods, { townCode: q.townCode, keys: callKeys }),
    // The periods are contiguous and of one length: one range scan over all eight, each row's
    // period by arithmetic (a scan per period would read the index eight times).
    db.query<{ i: number; key: string; n: number }>(
      `SELECT floor(extract(epoch FROM opened_at - $1::timestamptz) / $4)::int AS i, CASE WHEN kind = 'petition' THEN 'petition' ELSE 'dispute.' || category END AS key, count(*)::int AS n
       FROM cases WHERE opened_at >= $1 AND opened_at < $2 AND ($3::text IS NULL OR town_code = $3) AND kind IN ('petition', 'dispute') GROUP BY 1, 2`,
      [periods[0]!.from.toISOString(), q.to.toISOString(), q.townCode, len / 1000],
    ),
  ]);
  const series: Record<string, number[]> = Object.fromEntries(BULLETIN_KEYS.map((k) => [k, Array(BULLETIN_PERIODS).fill(0)]));
  const add = (i: number, key: string | null, n: number) => {
    const s = key === null ? undefined : series[key];
    if (s && i >= 0 && i < BULLETIN_PERIODS) s[i] = (s[i] ?? 0) + n;
  };
  for (const c of calls) add(c.span, c.key, c.n);
  for (const r of cases.rows) add(r.i, r.key, r.n);
  return { periods, series };
}

/** Whether the store holds anything before `at` (last year's figures are reported only then). */
async function holdsDataBefore(db: Queryable, at: Date): Promise<boolean> {
  const { rows } = await db.query<{ yes: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM calls WHERE received_at < $1) OR EXISTS (SELECT 1 FROM cases WHERE opened_at < $1) AS yes', [at.toISOString()]);
  return rows[0]?.yes === true;
}

export async function briefing(db: Queryable, q: BriefingQuery): Promise<Briefing> {
  const range: Range = { from: q.from, to: q.to, townCode: q.townCode };
  const len = q.to.getTime() - q.from.getTime();
  const prev: Range = { from: new Date(q.from.getTime() - len), to: q.from, townCode: q.townCode };
  const ly = { ...sameLastYear(q.from, q.to), townCode: q.townCode };
  const towns = q.region.towns.features.map((f) => f.properties).filter((t) => q.townCode === null || t.code === q.townCode);
  const unitKinds = new Map(q.region.units.map((u) => [u.id, u.kind] as const));

  const [sum, prevTotals, prevCases, hasLastYear, disputes, overdue, rt, warnings, offline, trend] = await Promise.all([
    summary(db, range), totals(db, prev), resolution(db, prev), holdsDataBefore(db, ly.to),
    resolution(db, range, { kinds: DISPUTE }), overdueDisputes(db, q),
    responseTimeBreakdown(db, range, unitKinds),
    warningsByRule(db, q), offlineCameras(db, q.to), bulletin(db, q),
  ]);
  const [lyTotals, lyCases] = hasLastYear ? await Promise.all([totals(db, ly), resolution(db, ly)]) : [null, null];
  const disputesByTown: Briefing['disputes']['byTown'] = {};
  await Promise.all(towns.map(async (t) => {
    const r = await resolution(db, { from: q.from, to: q.to, townCode: t.code }, { kinds: DISPUTE });
    disputesByTown[t.code] = { identified: r.identified, resolved: r.resolved, resolutionRate: r.rate, overdue: overdue.get(t.code) ?? 0 };
  }));

  const population = towns.reduce((a, t) => a + t.population, 0);
  const perTown: Record<string, number> = {};
  for (const t of towns) perTown[t.code] = per10k(sum.calls.byTown[t.code] ?? 0, t.population);
  const perGrid: Record<string, number> = {};
  for (const [g, n] of Object.entries(sum.calls.byGrid)) perGrid[g] = per10k(n, q.region.gridById.get(g)?.population ?? 0);

  const camsByTown = new Map<string, { all: number; off: number }>();
  for (const c of q.region.cameras) {
    if (q.townCode !== null && c.townCode !== q.townCode) continue;
    const e = camsByTown.get(c.townCode) ?? { all: 0, off: 0 };
    e.all++;
    if (offline.has(c.id)) e.off++;
    camsByTown.set(c.townCode, e);
  }
  const onlineByTown: Record<string, number | null> = {};
  let all = 0;
  let off = 0;
  for (const t of towns) {
    const e = camsByTown.get(t.code);
    onlineByTown[t.code] = e && e.all > 0 ? (e.all - e.off) / e.all : null;
    all += e?.all ?? 0;
    off += e?.off ?? 0;
  }

  const atLevel = Object.fromEntries(CASE_LEVELS.map((l) => [l, disputes.resolvedAtLevel[l] ?? 0])) as Record<CaseLevel, number>;
  const byTown: Briefing['dispatch']['byTown'] = {};
  for (const [k, f] of Object.entries(rt.byTown)) byTown[k || 'outside'] = pair(f);
  const byUnitKind: Briefing['dispatch']['byUnitKind'] = {};
  for (const [k, f] of Object.entries(rt.byUnitKind)) if (k) byUnitKind[k] = pair(f);
  const bulletinPer10k: Record<string, number> = {};
  for (const k of BULLETIN_KEYS) bulletinPer10k[k] = per10k(trend.series[k]![BULLETIN_PERIODS - 1]!, population);

  return {
    range: sum.range,
    region: { code: q.townCode ?? q.region.meta.code, kind: q.townCode === null ? 'county' : 'town', population },
    calls: {
      total: sum.calls.total, byCategory: sum.calls.byCategory, byTown: sum.calls.byTown, byGrid: sum.calls.byGrid,
      per10k: { byTown: perTown, byGrid: perGrid },
      previous: { total: prevTotals.calls },
      sameLastYear: lyTotals ? { total: lyTotals.calls } : null,
    },
    alerts: {
      total: sum.alerts.total, byType: sum.alerts.byType,
      previous: { total: prevTotals.alerts },
      sameLastYear: lyTotals ? { total: lyTotals.alerts } : null,
    },
    cases: {
      identified: sum.cases.identified, resolved: sum.cases.resolved, resolutionRate: sum.cases.resolutionRate,
      previous: { identified: prevCases.identified },
      sameLastYear: lyCases ? { identified: lyCases.identified } : null,
    },
    disputes: {
      identified: disputes.identified, resolved: disputes.resolved, resolutionRate: disputes.rate, resolvedAtLevel: atLevel,
      overdue: [...overdue.values()].reduce((a, b) => a + b, 0), byTown: disputesByTown,
    },
    dispatch: { ...pair(rt.all), byTown, byUnitKind },
    warnings: { byRule: warnings },
    cameras: { onlineRate: { county: all > 0 ? (all - off) / all : null, byTown: onlineByTown }, alertsByType: sum.alerts.byType },
    bulletin: {
      periods: trend.periods.map((p) => ({ from: p.from.toISOString(), to: p.to.toISOString() })),
      series: trend.series, per10k: bulletinPer10k,
    },
  };
}

/** The parts by name, for bench/query.ts's profile (not an API). */
export const _parts = { overdueDisputes, warningsByRule, bulletin };
