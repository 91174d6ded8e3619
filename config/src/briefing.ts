/**
 * The weekly briefing (周分析): the answer of GET /api/stats/briefing, each figure with its
 * definition in `.describe()`. The pages show these same words one click from each figure and
 * docs/api.md is generated from them (`npm run docs:briefing`), so the page, the API and its
 * documentation cannot drift apart. Period boundaries are instants; days and weeks are the
 * center's (TZ_CENTER). Every period is half-open: [from, to).
 */
import { z } from 'zod';
import { CASE_LEVELS } from './contracts';
import { startOfWeek } from './time';

const Count = z.number().int().min(0);
const ByKey = z.record(z.string(), Count);
const Rate = z.number().nullable();

const d = {
  range: '统计时段：起 from（含）至止 to（不含），按指挥中心所在时区（TZ_CENTER）计日、计周；默认为上周一 0 时至本周一 0 时。',
  region: '统计范围：全县，或一个镇（街道）代码；选镇时各项只计该镇。',
  callsTotal: '接警数：接警时间在统计时段内的报警（110 及各渠道）条数。',
  callsByCategory: '按警情类别的接警数（刑事、治安、交通事故、电信诈骗、各类纠纷、求助、火警、其他）。',
  callsByTown: '按镇（街道）的接警数；落在所有网格之外的计入 outside。',
  callsByGrid: '按网格的接警数（网格外的不计）。',
  per10kByTown: '每万人接警数 = 该镇接警数 ÷ 该镇常住人口 × 10000。',
  per10kByGrid: '每万人接警数 = 该网格接警数 ÷ 该网格人口 × 10000。',
  previousTotal: '上期接警数：紧邻本期之前、等长时段的接警数。',
  sameLastYearTotal: '去年同期接警数：本期前移一年（整周时段前移 52 周，对齐星期）的接警数；库中在去年同期结束前没有任何接警或案件数据时为空。',
  alertsTotal: '视频告警数：发生时间在统计时段内的摄像头告警条数（含设备离线通知）。',
  alertsByType: '按告警类型的视频告警数。',
  alertsPrevious: '上期视频告警数：紧邻本期之前、等长时段的告警数。',
  alertsSameLastYear: '去年同期视频告警数；库中在去年同期结束前没有任何接警或案件数据时为空。',
  casesIdentified: '新登记案件：首次登记时间在统计时段内的案件（矛盾纠纷、信访、事件）件数。',
  casesResolved: '其中已化解：上述案件在时段结束时（最后一次变更在 to 之前）状态为已化解或已结案的件数。',
  casesRate: '化解率 = 已化解 ÷ 新登记；无新登记时为空。与大屏"化解率"同一定义。',
  casesPrevious: '上期新登记案件数。',
  casesSameLastYear: '去年同期新登记案件数；库中在去年同期结束前没有任何接警或案件数据时为空。',
  disputesIdentified: '排查矛盾纠纷：首次登记时间在统计时段内的矛盾纠纷案件件数。',
  disputesResolved: '化解矛盾纠纷：上述纠纷中，在时段结束时状态为已化解或已结案的件数。',
  disputesRate: '化解率 = 化解 ÷ 排查；无排查时为空。',
  disputesAtLevel: '化解层级：已化解纠纷在化解时所在的层级——网格、村（社区）、镇（街道）、县（小事不出村、大事不出镇）。',
  disputesOverdue: '超期未化解：时段结束时仍在办、且已超过四级七天时限（进入当前层级当日之后第 N 个工作日结束，按工作日历）的矛盾纠纷件数，不论登记于何时。',
  disputesByTown: '按镇（街道）的排查、化解、化解率与超期件数。',
  toDispatch: '派警用时：本期接警的警情从接警到派出警力的秒数，精确分位数（p50 中位数、p90 第 90 百分位；n 为计入条数，无记录时分位数为空），按全部原始记录计算。',
  toArrive: '到场用时：本期接警的警情从接警到警力到场的秒数，精确分位数（p50、p90）。',
  dispatchByTown: '按警情所在镇（街道）的派警、到场用时。',
  dispatchByUnitKind: '按派出警力类型（派出所、巡警、交警等）的派警、到场用时。',
  warningsRaised: '预警数：触发时间在统计时段内的预警条数。',
  warningsAcknowledged: '已签收：上述预警中在时段结束前被值班人员签收的条数。',
  warningsToAck: '签收用时：从预警触发到签收的秒数，精确分位数（p50、p90），只计已签收的。',
  warningsByRule: '按预警规则的触发、签收与签收用时。',
  cameraOnlineCounty: '视频在线率 = 在线摄像头 ÷ 登记摄像头；时段结束时最近 24 小时内最后一次上报为"离线"的计为离线。与大屏同一定义。',
  cameraOnlineByTown: '按镇（街道）的视频在线率。',
  cameraAlertsByType: '按类型的视频告警数（同"视频告警"）。',
  bulletinPeriods: '趋势的 8 个时段：本期及之前 7 个等长时段，由早到晚，最后一个即本期。',
  bulletinSeries: '月报口径的各类数字在 8 个时段中的值：刑事、治安、交通事故、电信诈骗为接警数；信访为新登记信访件数；各类纠纷为新登记矛盾纠纷件数（按纠纷类型）。',
  bulletinPer10k: '各类数字本期每万人数 = 本期数 ÷ 统计范围常住人口 × 10000。',
} as const;

/** Definitions by figure, in the words the pages show beside each figure. */
export const BRIEFING_DEFINITIONS = d;
export type BriefingFigure = keyof typeof d;

/** n: how many intervals were counted; p50, p90: seconds, null without any. */
export const BriefingPercentiles = z.object({ n: Count, p50: z.number().nullable(), p90: z.number().nullable() });
export type BriefingPercentiles = z.infer<typeof BriefingPercentiles>;

const ResponsePair = z.object({ toDispatchS: BriefingPercentiles.describe(d.toDispatch), toArriveS: BriefingPercentiles.describe(d.toArrive) });

const LevelCounts = z.object(Object.fromEntries(CASE_LEVELS.map((l) => [l, Count])) as Record<(typeof CASE_LEVELS)[number], typeof Count>);

export const TownDisputes = z.object({ identified: Count, resolved: Count, resolutionRate: Rate, overdue: Count });

export const RuleWarnings = z.object({
  raised: Count.describe(d.warningsRaised),
  acknowledged: Count.describe(d.warningsAcknowledged),
  toAcknowledgeS: BriefingPercentiles.describe(d.warningsToAck),
});

/** The monthly bulletin's set (月报口径), in the order the page shows them. */
export const BULLETIN_KEYS = [
  'criminal', 'public_order', 'traffic', 'fraud', 'petition',
  'dispute.family', 'dispute.neighbor', 'dispute.debt', 'dispute.land', 'dispute.labor', 'dispute.other',
] as const;
export type BulletinKey = (typeof BULLETIN_KEYS)[number];
export const BULLETIN_PERIODS = 8;

const Period = z.object({ from: z.string(), to: z.string() });

export const Briefing = z.object({
  range: Period.describe(d.range),
  region: z.object({ code: z.string(), kind: z.enum(['county', 'town']), population: Count }).describe(d.region),
  calls: z.object({
    total: Count.describe(d.callsTotal),
    byCategory: ByKey.describe(d.callsByCategory),
    byTown: ByKey.describe(d.callsByTown),
    byGrid: ByKey.describe(d.callsByGrid),
    per10k: z.object({ byTown: z.record(z.string(), z.number()).describe(d.per10kByTown), byGrid: z.record(z.string(), z.number()).describe(d.per10kByGrid) }),
    previous: z.object({ total: Count.describe(d.previousTotal) }),
    sameLastYear: z.object({ total: Count }).nullable().describe(d.sameLastYearTotal),
  }),
  alerts: z.object({
    total: Count.describe(d.alertsTotal),
    byType: ByKey.describe(d.alertsByType),
    previous: z.object({ total: Count.describe(d.alertsPrevious) }),
    sameLastYear: z.object({ total: Count }).nullable().describe(d.alertsSameLastYear),
  }),
  cases: z.object({
    identified: Count.describe(d.casesIdentified),
    resolved: Count.describe(d.casesResolved),
    resolutionRate: Rate.describe(d.casesRate),
    previous: z.object({ identified: Count.describe(d.casesPrevious) }),
    sameLastYear: z.object({ identified: Count }).nullable().describe(d.casesSameLastYear),
  }),
  disputes: z.object({
    identified: Count.describe(d.disputesIdentified),
    resolved: Count.describe(d.disputesResolved),
    resolutionRate: Rate.describe(d.disputesRate),
    resolvedAtLevel: LevelCounts.describe(d.disputesAtLevel),
    overdue: Count.describe(d.disputesOverdue),
    byTown: z.record(z.string(), TownDisputes).describe(d.disputesByTown),
  }),
  dispatch: ResponsePair.extend({
    byTown: z.record(z.string(), ResponsePair).describe(d.dispatchByTown),
    byUnitKind: z.record(z.string(), ResponsePair).describe(d.dispatchByUnitKind),
  }),
  warnings: z.object({ byRule: z.record(z.string(), RuleWarnings).describe(d.warningsByRule) }),
  cameras: z.object({
    onlineRate: z.object({ county: Rate.describe(d.cameraOnlineCounty), byTown: z.record(z.string(), Rate).describe(d.cameraOnlineByTown) }),
    alertsByType: ByKey.describe(d.cameraAlertsByType),
  }),
  bulletin: z.object({
    periods: z.array(Period).describe(d.bulletinPeriods),
    series: z.record(z.string(), z.array(Count)).describe(d.bulletinSeries),
    per10k: z.record(z.string(), z.number()).describe(d.bulletinPer10k),
  }),
});
export type Briefing = z.infer<typeof Briefing>;

const DAY = 86_400_000;

/** The default period: last Monday 00:00 to this Monday 00:00, in the center's zone. */
export function lastWeek(now: Date, tz: string): { from: Date; to: Date } {
  const to = startOfWeek(now, tz);
  return { from: startOfWeek(new Date(to.getTime() - DAY / 2), tz), to };
}

/** The same period a year earlier: 52 weeks back for whole weeks (weekdays align), else one calendar year. */
export function sameLastYear(from: Date, to: Date): { from: Date; to: Date } {
  const len = to.getTime() - from.getTime();
  if (len % (7 * DAY) === 0) return { from: new Date(from.getTime() - 364 * DAY), to: new Date(to.getTime() - 364 * DAY) };
  const back = (t: Date) => { const x = new Date(t); x.setUTCFullYear(x.getUTCFullYear() - 1); return x; };
  return { from: back(from), to: back(to) };
}
