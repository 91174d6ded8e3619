/**
 * Why a message was refused, as a short code (metrics label by it, so the set stays small
 * and fixed) beside the human reason (which names the field and may echo input).
 */
import { z } from 'zod';

export const REJECTION_CODES = [
  'empty', 'too_large', 'not_json', 'too_deep', 'unstorable', 'schema', 'future', 'unknown_grid', 'unknown_camera',
  // A unit.status report the field may not send from the unit's current state (contracts/unit-transitions.ts).
  'transition',
] as const;
export const RejectionCode = z.enum(REJECTION_CODES);
export type RejectionCode = z.infer<typeof RejectionCode>;

/** The largest lead of an event time over the server clock, by default (settings MAX_EVENT_SKEW_SECONDS). */
export const DEFAULT_MAX_EVENT_SKEW_SECONDS = 900;
