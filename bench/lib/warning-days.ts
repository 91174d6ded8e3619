/**
 * The simulated county through the pure rules engine, day by day: how many warnings a normal
 * day raises, by rule and colour, after the same back-fill a fresh start has. What the default
 * thresholds (config/rules) are calibrated against (docs/calibration.md).
 */
import path from 'node:path';
import type { RuleId, RulesConfig, Warning, WarningColour } from '@watchfloor/config/rules';
import { buildGridIndex, loadRegion } from '@watchfloor/config/region';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { enrich } from '@watchfloor/ingest/pipeline/enrich';
import { phoneProtector } from '@watchfloor/ingest/pipeline/privacy';
import type { StoredRecord } from '@watchfloor/ingest/records';
import { RulesEngine } from '@watchfloor/ingest/rules/engine';
import { rulesRegionOf } from '@watchfloor/ingest/rules/region';
import { CountyModel } from '@watchfloor/ingest/simulator/county-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface DayCount {
  /** Local date of the day (YYYY-MM-DD, TZ of the run). */
  day: string;
  /** Warnings whose onset falls in the day, by rule and by their colour at the end of the run. */
  raised: Partial<Record<RuleId, Partial<Record<WarningColour, number>>>>;
  total: number;
  red: number;
}

export interface WarningDaysResult {
  days: DayCount[];
  /** Active (not resolved) at the end of the back-fill: what a fresh start shows. */
  activeAtStart: { total: number; red: number; byRule: Partial<Record<RuleId, number>> };
}

export interface WarningDaysOptions {
  config: RulesConfig;
  seed: number;
  /** First measured day's local midnight (ms). */
  startMs: number;
  days: number;
  /** History fed before the first measured day, as a fresh start back-fills (10 days). */
  backfillDays?: number;
  tz?: string;
}

export function warningDays(opts: WarningDaysOptions): WarningDaysResult {
  const tz = opts.tz ?? 'Asia/Shanghai';
  const region = loadRegion(path.join(REPO_ROOT, 'config', 'regions', 'tongguan'));
  const ctx = { region, grids: buildGridIndex(region.grids), phones: phoneProtector('calibration-key-0123456789abcdef') };
  const model = new CountyModel(region, opts.seed, tz);
  const engine = new RulesEngine({ region: rulesRegionOf(region), config: opts.config, tz });
  const warnings = new Map<string, Warning>();
  const from = opts.startMs - (opts.backfillDays ?? 10) * DAY;
  const end = opts.startMs + opts.days * DAY;
  let activeAtStart: WarningDaysResult['activeAtStart'] | null = null;
  for (let h = Math.floor(from / HOUR); h * HOUR < end; h++) {
    if (h * HOUR === opts.startMs) activeAtStart = active(warnings);
    const recs: StoredRecord[] = [];
    for (const e of model.eventsInHour(h, false)) {
      const r = enrich(ctx, e.event);
      if (r.ok) recs.push(r.record);
    }
    for (const c of engine.ingest(recs)) warnings.set(c.warning.id, c.warning);
    for (const c of engine.sweep((h + 1) * HOUR)) warnings.set(c.warning.id, c.warning);
  }
  const days: DayCount[] = [];
  for (let d = 0; d < opts.days; d++) {
    const lo = opts.startMs + d * DAY;
    const hi = lo + DAY;
    const dc: DayCount = { day: new Date(lo + 8 * HOUR).toISOString().slice(0, 10), raised: {}, total: 0, red: 0 };
    for (const w of warnings.values()) {
      const t = w.raisedAt;
      if (t < lo || t >= hi) continue;
      const byColour = (dc.raised[w.rule] ??= {});
      byColour[w.colour] = (byColour[w.colour] ?? 0) + 1;
      dc.total++;
      if (w.colour === 'red') dc.red++;
    }
    days.push(dc);
  }
  return { days, activeAtStart: activeAtStart ?? active(warnings) };
}

function active(warnings: Map<string, Warning>): WarningDaysResult['activeAtStart'] {
  const out: WarningDaysResult['activeAtStart'] = { total: 0, red: 0, byRule: {} };
  for (const w of warnings.values()) {
    if (w.resolvedAt) continue;
    out.total++;
    if (w.colour === 'red') out.red++;
    out.byRule[w.rule] = (out.byRule[w.rule] ?? 0) + 1;
  }
  return out;
}
