/**
 * The soak's verdict on one series: does it keep growing? A least-squares line through the
 * second half of the samples (the first half is warm-up: caches, JIT, the wall's lists filling
 * up to their caps) gives a slope; the growth it implies over 24 hours is compared with the
 * series' median over that half.
 *
 * A series fails when both hold:
 *  1. slope × 24 h > max(limitPct % × median, floor) — it would grow by more than that in a day;
 *  2. the slope is significant: slope / its standard error > 3 (t statistic of the fit) — the rise is
 *     a trend, not the sawtooth of a garbage collector or a list that fills and empties. The more
 *     samples (a 24 h run), the smaller the trend this detects.
 * With `strict` (WebGL contexts) any rise at all fails: the largest value of the second half may
 * not exceed its first value. Fewer than 4 samples in the half: no verdict (`insufficient`).
 */
export interface TrendRule {
  /** Allowed growth over 24 h, in % of the second half's median. */
  limitPct: number;
  /** Allowed growth over 24 h in the series' own unit, when larger than limitPct of the median. */
  floor?: number;
  /** No increase at all is allowed (a count that must stay put). */
  strict?: boolean;
}

export interface Trend {
  first: number;
  last: number;
  median: number;
  /** Least-squares slope over the second half, per hour. */
  slopePerHour: number;
  /** slopePerHour × 24. */
  growth24h: number;
  /** growth24h in % of the median. */
  growth24hPct: number;
  /** Residual standard deviation of the second half around its line. */
  residualSd: number;
  /** Slope over its standard error (Infinity for an exact line with a slope). */
  tStat: number;
  samplesFitted: number;
  verdict: 'ok' | 'fail' | 'insufficient';
  reason: string;
}

export interface Point { t: number; v: number }

const HOUR_S = 3600;
const DAY_H = 24;
const MIN_FIT = 4;
const T_MIN = 3;

/** Least squares v = a + b·t; t in seconds, b per second. */
export function fitLine(points: readonly Point[]): { a: number; b: number; residualSd: number; tStat: number } {
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.t - mt) * (p.v - mv);
    sxx += (p.t - mt) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = mv - b * mt;
  const ss = points.reduce((s, p) => s + (p.v - (a + b * p.t)) ** 2, 0);
  const residualSd = n > 2 ? Math.sqrt(ss / (n - 2)) : 0;
  const se = sxx > 0 ? residualSd / Math.sqrt(sxx) : 0;
  const tStat = se > 0 ? b / se : b === 0 ? 0 : Math.sign(b) * Infinity;
  return { a, b, residualSd, tStat };
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function judgeTrend(series: readonly Point[], rule: TrendRule): Trend {
  const half = series.slice(Math.floor(series.length / 2));
  const first = series[0]?.v ?? NaN;
  const last = series.at(-1)?.v ?? NaN;
  const median = medianOf(half.map((p) => p.v));
  if (half.length < MIN_FIT) {
    return { first, last, median, slopePerHour: 0, growth24h: 0, growth24hPct: 0, residualSd: 0, tStat: 0, samplesFitted: half.length, verdict: 'insufficient', reason: `${half.length} samples in the second half (need ${MIN_FIT})` };
  }
  const { b, residualSd, tStat } = fitLine(half);
  const slopePerHour = b * HOUR_S;
  const growth24h = slopePerHour * DAY_H;
  const growth24hPct = median !== 0 ? (growth24h / Math.abs(median)) * 100 : 0;
  const base = { first, last, median, slopePerHour, growth24h, growth24hPct, residualSd, tStat, samplesFitted: half.length };
  if (rule.strict) {
    const start = half[0]!.v;
    const max = Math.max(...half.map((p) => p.v));
    return max > start
      ? { ...base, verdict: 'fail', reason: `rose from ${start} to ${max} in the second half` }
      : { ...base, verdict: 'ok', reason: `no rise above ${start} in the second half` };
  }
  const allowed = Math.max((rule.limitPct / 100) * Math.abs(median), rule.floor ?? 0);
  const g = growth24h.toPrecision(3);
  const lim = allowed.toPrecision(3);
  const ts = tStat.toPrecision(3);
  if (growth24h > allowed && tStat > T_MIN) return { ...base, verdict: 'fail', reason: `grows ${g}/24 h (allowed ${lim}), t = ${ts}` };
  return { ...base, verdict: 'ok', reason: growth24h > allowed ? `slope ${g}/24 h above the limit ${lim} but not significant (t = ${ts} ≤ ${T_MIN})` : `grows ${g}/24 h (allowed ${lim})` };
}

export interface PerUnit {
  /** Least-squares slope of the value against the count over the second half (e.g. bytes per stored event). */
  perUnit: number;
  samplesFitted: number;
  verdict: 'ok' | 'fail' | 'insufficient';
  reason: string;
}

/**
 * A store that grows with what it stores is right; one that grows faster than that is not. The
 * database's bytes are fitted against the events stored (not against time) over the second half,
 * and the slope — bytes per stored event — may not exceed `limit`. Files grow in steps (pages,
 * chunks, WAL segments), so a short run's slope is noisy; the limit leaves room for that.
 */
export function judgePerUnit(points: readonly { count: number; v: number }[], limit: number, unit = 'B/event'): PerUnit {
  const half = points.slice(Math.floor(points.length / 2));
  if (half.length < MIN_FIT || half.at(-1)!.count <= half[0]!.count) {
    return { perUnit: NaN, samplesFitted: half.length, verdict: 'insufficient', reason: `${half.length} samples over ${half.length ? half.at(-1)!.count - half[0]!.count : 0} counted in the second half (need ${MIN_FIT} and a rising count)` };
  }
  const { b } = fitLine(half.map((p) => ({ t: p.count, v: p.v })));
  const v = b.toPrecision(3);
  return b > limit
    ? { perUnit: b, samplesFitted: half.length, verdict: 'fail', reason: `${v} ${unit} (allowed ${limit})` }
    : { perUnit: b, samplesFitted: half.length, verdict: 'ok', reason: `${v} ${unit} (allowed ${limit})` };
}
