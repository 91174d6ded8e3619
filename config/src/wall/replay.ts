/**
 * Replay of the wall over a past range: the wire shapes of the replay API, the numbering of
 * replayed deltas, the replay clock's speeds and the `?replay=FROM..TO` parameter.
 *
 * A replayed wall is the live wall's state at an earlier moment: an "as of T" state built from
 * the event tables (what a live wall started at T would load), then the stored events of
 * (T, T2] converted to deltas as the live path converts them and applied with the same
 * reducer. Each delta's `at` is its event time, so the reducer's clock is the replayed one.
 */
import { z } from 'zod';
import { startOfDay, toZonedIso, zoneOffsetMinutes } from '../time';
import { prune } from './reducer';
import { WallDeltaBody, WallState, type WallDelta } from './types';

/** The replay clock's speeds (event time per wall time). */
export const REPLAY_SPEEDS = [1, 60, 600, 3600] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/**
 * Keyframes lie on a fixed grid of event time, this far apart (from the epoch; every zone's
 * offset is a multiple of 15 minutes, so local midnights are on the grid too). A seek is the
 * keyframe at or before T plus at most this much of deltas; the database figures are
 * recomputed at each keyframe, as the live wall refreshes them every 30 s.
 */
export const KEYFRAME_EVERY_MS = 15 * 60_000;
/** The longest span one deltas request may cover (the client asks chunk by chunk while it plays). */
export const MAX_DELTA_SPAN_MS = 6 * 3_600_000;
/** The longest range the time bar offers: a month of history. */
export const MAX_REPLAY_RANGE_MS = 31 * 86_400_000;
/**
 * Keyframes kept by a server: 12 hours of them. A keyframe is at most MAX_INCIDENTS calls and
 * MAX_ALERTS alerts (≈ 1.5 MB at the caps), so the cache stays under ~75 MB on the busiest
 * county and a few MB on a typical one; a cold keyframe costs one snapshot-sized read.
 */
export const KEYFRAME_CACHE_SIZE = 48;
/** Figures of keyframe instants kept (a few KB each): a week of them, for playing on through a range. */
export const FIGURES_CACHE_SIZE = 700;

/** The epoch of a replayed state: never a live server's, so a replayed state is never resumed live. */
export const REPLAY_EPOCH = 'replay';

/**
 * Order of the delta kinds within one millisecond: a call before the unit events naming it,
 * cases before the warnings they raise, and the recomputed figures last (they count
 * everything up to and including their instant).
 */
export const REPLAY_SLOTS = { calls: 0, dispatches: 1, units: 2, alerts: 3, cases: 4, warnings: 5, figures: 7 } as const satisfies Record<WallDeltaBody['type'], number>;
const SLOTS_PER_MS = 8;

/** A replayed delta's sequence number: event time, then kind. Deterministic, so every path to a moment numbers it alike. */
export function replaySeq(t: number, type: WallDeltaBody['type']): number {
  return Math.floor(t) * SLOTS_PER_MS + REPLAY_SLOTS[type];
}

/** The sequence number of "everything up to and including instant t". */
export function replaySeqThrough(t: number): number {
  return Math.floor(t) * SLOTS_PER_MS + SLOTS_PER_MS - 1;
}

/** The keyframe at or before t. */
export function keyframeAt(t: number): number {
  return Math.floor(t / KEYFRAME_EVERY_MS) * KEYFRAME_EVERY_MS;
}

/**
 * The state once the replay clock reads `t` and every delta up to `t` is applied: windows
 * slid (as the live wall's prune does each second), and stamped with `t`.
 */
export function advanceTo(s: WallState, t: number): WallState {
  const p = prune(s, t);
  const seq = Math.max(p.seq, replaySeqThrough(t));
  return p.at === t && p.seq === seq ? p : { ...p, at: Math.max(p.at, t), seq };
}

const Ms = z.number().finite();

export const ReplayDelta = z.intersection(WallDeltaBody, z.object({ seq: z.number().int().min(0), at: Ms }));
// zod's intersection infers the same shape as the wall's own delta type; this keeps them one.
export type ReplayDelta = WallDelta;

/** GET /api/replay/frame?at= — the wall as it stood at `at`. */
export const ReplayFrame = z.object({
  at: Ms,
  /** The keyframe the state was reduced from. */
  keyframeAt: Ms,
  /** How many deltas were applied over the keyframe. */
  applied: z.number().int().min(0),
  state: WallState,
});
export type ReplayFrame = z.infer<typeof ReplayFrame>;

/** GET /api/replay/deltas?from=&to= — the ordered deltas of (from, to]. */
export const ReplayDeltas = z.object({ from: Ms, to: Ms, deltas: z.array(ReplayDelta) });
export type ReplayDeltas = z.infer<typeof ReplayDeltas>;

export interface ReplayRange { from: number; to: number }

/**
 * Reads `FROM..TO` of `/wall?replay=`: each end an ISO-8601 time, a day (`2026-11-30`: its
 * start in the center's zone; as the end, the end of that day) or ms since the epoch. A `+`
 * of an offset that arrived as a space (unescaped in a URL) is put back. Null when unreadable
 * or empty; the end is capped at `now`.
 */
export function parseReplayRange(param: string, tz: string, now: number): ReplayRange | null {
  const m = /^(.+?)\.\.(.+)$/.exec(param.trim());
  if (!m) return null;
  const end = (s: string, isEnd: boolean): number | null => {
    const v = s.trim().replace(/ (\d\d:?\d\d)$/, '+$1');
    if (/^\d{4}-\d\d-\d\d$/.test(v)) {
      // Noon UTC of that date lies inside that local day for every zone within ±12 h.
      const start = startOfDay(new Date(`${v}T12:00:00Z`), tz).getTime();
      return isEnd ? startOfDay(new Date(start + 36 * 3_600_000), tz).getTime() : start;
    }
    if (/^\d{10,}$/.test(v)) return Number(v);
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  };
  const from = end(m[1]!, false);
  const to0 = end(m[2]!, true);
  if (from === null || to0 === null) return null;
  const to = Math.min(to0, now);
  if (!(from < to)) return null;
  return { from: Math.max(from, to - MAX_REPLAY_RANGE_MS), to };
}

/** `FROM..TO` for a URL, both ends ISO-8601 in UTC (no `+` to escape). */
export function formatReplayRange(r: ReplayRange): string {
  return `${new Date(r.from).toISOString()}..${new Date(r.to).toISOString()}`;
}

/** A `datetime-local` value (`2026-11-30T14:05`) read as wall-clock time in zone tz, ms; null when unreadable. */
export function zonedLocalToMs(value: string, tz: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(value);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The offset at the guess, then once more at the corrected instant (a DST change between them).
  const guess = asUtc - zoneOffsetMinutes(new Date(asUtc), tz) * 60_000;
  return asUtc - zoneOffsetMinutes(new Date(guess), tz) * 60_000;
}

/** ms → a `datetime-local` value in zone tz (minutes). */
export function msToZonedLocal(t: number, tz: string): string {
  return toZonedIso(new Date(t), tz).slice(0, 16);
}
