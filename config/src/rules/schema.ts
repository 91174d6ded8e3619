/**
 * The shape of config/rules/*.json: one file per section, each validated here with
 * defaults, so a missing file or field takes the documented default and a typo (unknown
 * key, wrong type, thresholds in the wrong order) fails loudly with the file named.
 * The JSON files carry the human description of every field as a sibling "// field" key.
 */
import { z } from 'zod';
import { CALL_CATEGORIES, CASE_KINDS, CallCategory, CaseKind } from '../contracts/codes';
import { WarningColour } from './warning';

const enabled = z.boolean().default(true);
const minutes = z.number().min(0).max(7 * 24 * 60);

/** A raise or clear level of a count window: the count must reach max(minCount, ratio × baseline). */
const Level = z.strictObject({
  ratio: z.number().positive().max(1000),
  minCount: z.number().int().min(1).max(1_000_000),
});
export type Level = z.infer<typeof Level>;

function surgeWindow(d: { yellow: Level; red: Level; clear: Level }) {
  return z.strictObject({
    enabled,
    yellow: Level.default(d.yellow),
    red: Level.default(d.red),
    clear: Level.default(d.clear),
  }).refine((w) => w.red.ratio >= w.yellow.ratio && w.red.minCount >= w.yellow.minCount, {
    message: 'red must be at least as high as yellow (ratio and minCount)',
  }).refine((w) => w.clear.ratio <= w.yellow.ratio && w.clear.minCount <= w.yellow.minCount, {
    message: 'clear must be at or below yellow (ratio and minCount): that gap is the hysteresis',
  }).prefault({});
}
export type SurgeWindow = z.infer<ReturnType<typeof surgeWindow>>;

export const EngineConfig = z.strictObject({
  reorderSeconds: z.number().min(0).max(3600).default(30),
  lateHorizonHours: z.number().min(1).max(24 * 6).default(26),
  advanceOnIngest: z.boolean().default(true),
  maxFutureMinutes: minutes.default(10),
  maxEvidence: z.number().int().min(1).max(500).default(20),
}).prefault({});

const DateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'not a calendar date');

export const CalendarConfig = z.strictObject({
  note: z.string().default(''),
  holidays: z.array(z.strictObject({ name: z.string().min(1), from: DateKey, to: DateKey })
    .refine((h) => h.from <= h.to, 'holiday ends before it starts')
    .refine((h) => (Date.parse(h.to) - Date.parse(h.from)) / 86_400_000 <= 31, 'a holiday longer than 31 days is surely a typo'))
    .default([]),
  makeupWorkdays: z.array(z.strictObject({ name: z.string().min(1), date: DateKey })).default([]),
}).refine((c) => !c.makeupWorkdays.some((m) => c.holidays.some((h) => m.date >= h.from && m.date <= h.to)), {
  message: 'a make-up workday (调休上班) cannot also fall inside a holiday',
}).prefault({});

export const GridSurgeConfig = z.strictObject({
  enabled,
  baselineWeeks: z.number().int().min(1).max(4).default(4),
  minBaselinePerHour: z.number().positive().default(0.2),
  quietMinutes: minutes.default(30),
  hour: surgeWindow({ yellow: { ratio: 3, minCount: 4 }, red: { ratio: 5, minCount: 6 }, clear: { ratio: 2, minCount: 3 } }),
  day: surgeWindow({ yellow: { ratio: 2, minCount: 8 }, red: { ratio: 3, minCount: 12 }, clear: { ratio: 1.5, minCount: 6 } }),
}).prefault({});

export const CategorySurgeConfig = z.strictObject({
  enabled,
  categories: z.array(CallCategory).default(CALL_CATEGORIES.filter((c) => c !== 'other')),
  baselineWeeks: z.number().int().min(1).max(4).default(4),
  minBaselinePerHour: z.number().positive().default(0.5),
  quietMinutes: minutes.default(60),
  hour: surgeWindow({ yellow: { ratio: 3, minCount: 6 }, red: { ratio: 5, minCount: 10 }, clear: { ratio: 2, minCount: 4 } }),
  day: surgeWindow({ yellow: { ratio: 2, minCount: 15 }, red: { ratio: 3, minCount: 25 }, clear: { ratio: 1.5, minCount: 10 } }),
}).prefault({});

export const RepeatDisputeConfig = z.strictObject({
  enabled,
  categories: z.array(CallCategory).default(CALL_CATEGORIES.filter((c) => c.startsWith('dispute.'))),
  windowDays: z.number().positive().max(28).default(7),
  colour: WarningColour.default('red'),
  byCaller: z.strictObject({
    enabled,
    minCalls: z.number().int().min(2).default(3),
    clearBelow: z.number().int().min(1).default(2),
  }).refine((c) => c.clearBelow <= c.minCalls, 'clearBelow must not exceed minCalls').prefault({}),
  byPlace: z.strictObject({
    enabled,
    minCalls: z.number().int().min(2).default(3),
    radiusMetres: z.number().min(10).max(5000).default(100),
    minDistinctCallers: z.number().int().min(1).default(2),
    clearBelow: z.number().int().min(1).default(2),
  }).refine((c) => c.clearBelow <= c.minCalls, 'clearBelow must not exceed minCalls').prefault({}),
}).prefault({});

const workingDays = z.number().int().min(1).max(60);
export const CaseDeadlineConfig = z.strictObject({
  enabled,
  kinds: z.array(CaseKind).default([...CASE_KINDS]),
  limitsWorkingDays: z.strictObject({
    grid: workingDays.default(1), village: workingDays.default(2), town: workingDays.default(2), county: workingDays.default(2),
  }).prefault({}),
  approachingWorkingHours: z.number().min(0).max(24 * 30).default(24),
}).prefault({});

export const RedCaseConfig = z.strictObject({
  enabled,
  kinds: z.array(CaseKind).default([...CASE_KINDS]),
}).prefault({});

const rate = z.number().min(0).max(1);
export const CameraOnlineConfig = z.strictObject({
  enabled,
  offlineWindowHours: z.number().positive().max(24 * 7).default(24),
  yellowBelow: rate.default(0.95),
  redBelow: rate.default(0.9),
  clearAtOrAbove: rate.default(0.96),
  minCameras: z.number().int().min(1).default(5),
  quietMinutes: minutes.default(10),
}).refine((c) => c.redBelow <= c.yellowBelow && c.yellowBelow <= c.clearAtOrAbove, {
  message: 'expected redBelow ≤ yellowBelow ≤ clearAtOrAbove',
}).prefault({});

export const CrowdClusterConfig = z.strictObject({
  enabled,
  windowMinutes: z.number().positive().max(24 * 60).default(20),
  yellowCount: z.number().int().min(2).default(4),
  redCount: z.number().int().min(2).default(6),
  minConfidence: rate.default(0.6),
  clearBelow: z.number().int().min(1).default(1),
  quietMinutes: minutes.default(10),
}).refine((c) => c.redCount >= c.yellowCount && c.clearBelow <= c.yellowCount, {
  message: 'expected clearBelow ≤ yellowCount ≤ redCount',
}).prefault({});

const priorities = z.array(z.number().int().min(1).max(3));
function delayStage(d: { priorities: number[]; yellowMinutes: number; redMinutes: number }) {
  return z.strictObject({
    enabled,
    priorities: priorities.default(d.priorities),
    yellowMinutes: z.number().positive().max(24 * 60).default(d.yellowMinutes),
    redMinutes: z.number().positive().max(24 * 60).default(d.redMinutes),
  }).refine((s) => s.redMinutes >= s.yellowMinutes, 'redMinutes must be at least yellowMinutes').prefault({});
}
export const DispatchDelayConfig = z.strictObject({
  enabled,
  dispatch: delayStage({ priorities: [1], yellowMinutes: 3, redMinutes: 5 }),
  arrival: delayStage({ priorities: [1, 2], yellowMinutes: 15, redMinutes: 30 }),
  expireAfterHours: z.number().positive().max(24 * 7).default(12),
}).prefault({});

/** Section name = file name without `.json`. */
export const RULES_SECTIONS = {
  engine: EngineConfig,
  calendar: CalendarConfig,
  grid_surge: GridSurgeConfig,
  category_surge: CategorySurgeConfig,
  repeat_dispute: RepeatDisputeConfig,
  case_deadline: CaseDeadlineConfig,
  red_case: RedCaseConfig,
  camera_online: CameraOnlineConfig,
  crowd_cluster: CrowdClusterConfig,
  dispatch_delay: DispatchDelayConfig,
} as const;
export type RulesSection = keyof typeof RULES_SECTIONS;
export const RULES_SECTION_NAMES = Object.keys(RULES_SECTIONS) as RulesSection[];

export type RulesConfig = { [K in RulesSection]: z.infer<(typeof RULES_SECTIONS)[K]> };
export type EngineConfig = RulesConfig['engine'];
export type CalendarConfig = RulesConfig['calendar'];
export type GridSurgeConfig = RulesConfig['grid_surge'];
export type CategorySurgeConfig = RulesConfig['category_surge'];
export type RepeatDisputeConfig = RulesConfig['repeat_dispute'];
export type CaseDeadlineConfig = RulesConfig['case_deadline'];
export type RedCaseConfig = RulesConfig['red_case'];
export type CameraOnlineConfig = RulesConfig['camera_online'];
export type CrowdClusterConfig = RulesConfig['crowd_cluster'];
export type DispatchDelayConfig = RulesConfig['dispatch_delay'];
