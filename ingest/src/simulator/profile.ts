/**
 * The county's rhythm and mix, as the centers report them: 110 calls peak late morning
 * and evening and bottom out before dawn; help requests, traffic and disputes make up
 * most calls; dispute cases mostly end at grid or village level (化解率 ≈ 95–98%).
 * Figures are for a county of ~150,000 people; the simulator scales by population.
 */
import type { AlertType, CallCategory, Risk } from '@watchfloor/config/contracts';

/** Relative call intensity by local hour (0–23); mean ≈ 1. */
export const HOURLY_CALLS = [0.35, 0.25, 0.2, 0.18, 0.2, 0.35, 0.6, 0.95, 1.25, 1.45, 1.55, 1.5, 1.3, 1.2, 1.3, 1.35, 1.35, 1.3, 1.35, 1.5, 1.55, 1.35, 0.95, 0.6] as const;
/** Relative intensity by weekday (0 = Sunday): weekends bring more disputes and traffic. */
export const WEEKDAY_CALLS = [1.12, 0.95, 0.95, 0.97, 1.0, 1.05, 1.15] as const;

export const CALLS_PER_DAY_PER_10K = 9; // ≈ 135 a day for Tongguan
export const ALERTS_PER_CAMERA_PER_DAY = 0.45;
export const SCREENED_CASES_PER_DAY = 5; // disputes found by grid workers' 日排查, besides those from calls
export const DISPUTE_CALL_BECOMES_CASE = 0.55;

export const CALL_MIX: readonly (readonly [CallCategory, number])[] = [
  ['help', 28], ['traffic', 19], ['public_order', 12], ['dispute.family', 7], ['dispute.neighbor', 6],
  ['dispute.debt', 3], ['dispute.land', 2.5], ['dispute.labor', 1.5], ['fraud', 5], ['criminal', 5], ['fire', 2], ['other', 9],
];

export const PRIORITY_BY_CATEGORY: Record<CallCategory, readonly (readonly [number, number])[]> = {
  criminal: [[1, 0.5], [2, 0.4], [3, 0.1]],
  public_order: [[1, 0.15], [2, 0.55], [3, 0.3]],
  traffic: [[1, 0.25], [2, 0.5], [3, 0.25]],
  fraud: [[1, 0.1], [2, 0.5], [3, 0.4]],
  'dispute.family': [[1, 0.1], [2, 0.5], [3, 0.4]],
  'dispute.neighbor': [[1, 0.08], [2, 0.45], [3, 0.47]],
  'dispute.debt': [[1, 0.05], [2, 0.35], [3, 0.6]],
  'dispute.land': [[1, 0.05], [2, 0.4], [3, 0.55]],
  'dispute.labor': [[1, 0.05], [2, 0.45], [3, 0.5]],
  help: [[1, 0.1], [2, 0.35], [3, 0.55]],
  fire: [[1, 0.8], [2, 0.2]],
  other: [[2, 0.3], [3, 0.7]],
};

export const ALERT_MIX: readonly (readonly [AlertType, number])[] = [
  ['vehicle_violation', 48], ['crowd', 18], ['intrusion', 14], ['fight', 3], ['fire_smoke', 5], ['water_danger', 6], ['camera_offline', 4],
];

/** Most cases are small; a red-risk (可能激化) case is a few a week, each one worth a warning. */
export const RISK_MIX: readonly (readonly [Risk, number])[] = [['blue', 82], ['yellow', 16], ['red', 2]];

/**
 * Chance a case is resolved at each level it reaches (grid, village, town, county):
 * 小事不出村、大事不出镇、矛盾不上交 — ~80 % end at the grid, ~95 % by the village, and
 * 1 − 0.2·0.25·0.3·0.3 ≈ 99.5 % in the end, above the county's reported ≥ 98.5 % for the year.
 */
export const RESOLVE_AT_LEVEL = [0.8, 0.75, 0.7, 0.7] as const;
/**
 * Mean hours a level takes before resolving or escalating. Limits are 1/2/2/2 working days
 * (四级七天): most cases are settled well inside them, so an overdue case is the exception
 * the case_deadline rule is there to show, not the daily norm.
 */
export const MEAN_HOURS_AT_LEVEL = [5, 9, 12, 14] as const;
/** Share of dispute calls that come back from a household already in trouble (the repeat_dispute rule's subject). */
export const TROUBLED_HOUSEHOLD_SHARE = 0.06;

export const SUMMARIES: Record<CallCategory, readonly string[]> = {
  criminal: ['报警人称家中被盗，丢失现金及首饰若干', '报警人称电动车在{place}被盗', '报警人称有人持械威胁', '报警人称店铺夜间被撬'],
  public_order: ['报警人称{place}有人酒后滋事', '报警人称{place}附近有人聚众喧哗扰民', '报警人称有人在{place}打架', '报警人称{place}有可疑人员徘徊'],
  traffic: ['报警人称{place}路口两车相撞，无人员伤亡', '报警人称{place}一辆电动车与小轿车剐蹭', '报警人称{place}有车辆违停堵塞道路', '报警人称国道{place}段发生追尾'],
  fraud: ['报警人称接到冒充客服电话被骗转账', '报警人称网络刷单被骗', '报警人称冒充公检法人员要求转账', '报警人称网购退款被骗'],
  'dispute.family': ['报警人称与家人因赡养问题发生争吵', '报警人称夫妻发生争执', '报警人称家庭成员因财产分配发生纠纷'],
  'dispute.neighbor': ['报警人称与邻居因宅基地边界发生争执', '报警人称邻居噪音扰民引发纠纷', '报警人称与邻居因排水问题发生口角'],
  'dispute.debt': ['报警人称他人欠款不还发生纠纷', '报警人称讨要借款时发生争执'],
  'dispute.land': ['报警人称土地承包边界发生纠纷', '报警人称林地权属发生争执'],
  'dispute.labor': ['报警人称工地拖欠工资', '报警人称用工单位拒付劳务费'],
  help: ['报警人称老人走失', '报警人称钥匙锁在车内求助', '报警人称{place}有人晕倒需要帮助', '报警人称儿童走失', '报警人称车辆抛锚求助'],
  fire: ['报警人称{place}有房屋冒烟起火', '报警人称{place}麦秸堆着火', '报警人称车辆自燃'],
  other: ['报警人咨询户籍办理事宜', '报警人反映{place}路灯损坏', '报警人称有流浪犬伤人隐患'],
};
