/**
 * Hysteresis for threshold rules: an episode opens when the level reaches yellow or red,
 * its colour only rises while it lasts (a surge that eases from red to yellow is still the
 * same red episode until it is over: no flapping colours on the wall), and it closes only
 * once the measure has stayed below a separate, lower clear level for a quiet period.
 */
import type { WarningColour } from '@watchfloor/config/rules';

/** 0 = nothing, 1 = yellow, 2 = red. */
export type Severity = 0 | 1 | 2;
export const colourOf = (s: Severity): WarningColour => (s === 2 ? 'red' : 'yellow');

export interface Episode { open: boolean; severity: Severity; belowSince: number | null }
export const newEpisode = (): Episode => ({ open: false, severity: 0, belowSince: null });

export type EpisodeAction = 'none' | 'raise' | 'escalate' | 'resolve';

export interface EpisodeStep { action: EpisodeAction; /** When to look again for a pending quiet period. */ wakeAt: number | null }

/**
 * One evaluation at instant `now`. `level` is the severity the measure reaches now;
 * `belowClear` whether it is under the clear level (implies level 0 when clear ≤ yellow).
 */
export function stepEpisode(ep: Episode, now: number, level: Severity, belowClear: boolean, quietMs: number): EpisodeStep {
  if (!ep.open) {
    if (level === 0) return { action: 'none', wakeAt: null };
    ep.open = true;
    ep.severity = level;
    ep.belowSince = null;
    return { action: 'raise', wakeAt: null };
  }
  if (level > ep.severity) {
    ep.severity = level;
    ep.belowSince = null;
    return { action: 'escalate', wakeAt: null };
  }
  if (!belowClear) {
    ep.belowSince = null;
    return { action: 'none', wakeAt: null };
  }
  ep.belowSince ??= now;
  if (now - ep.belowSince >= quietMs) {
    ep.open = false;
    ep.severity = 0;
    ep.belowSince = null;
    return { action: 'resolve', wakeAt: null };
  }
  return { action: 'none', wakeAt: ep.belowSince + quietMs };
}

/**
 * When a threshold episode began by the events' own times, for a measure that rises only at
 * its events' instants: the first of `times` (ascending) after `after` and up to `now` at
 * which `holds` is true, else `now`. It is the id and raisedAt of the warning (WarningBook.raise).
 * Fed in event order, every earlier instant was evaluated and did not hold, so this is `now`;
 * when the events that tip the measure arrive late (acted on at the watermark), it is the
 * instant a feed in event order, such as a rebuild, raises at. `holds` may undercount (state
 * already forgotten): that can only move the onset later, never invent an earlier one.
 */
export function onsetAt(times: Iterable<number>, after: number, now: number, holds: (t: number) => boolean): number {
  let prev = Number.NaN;
  for (const t of times) {
    if (t > now) break;
    if (t <= after || t === prev) continue;
    prev = t;
    if (holds(t)) return t;
  }
  return now;
}
