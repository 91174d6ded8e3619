/**
 * The wall's socket protocol (socket.io at /socket.io), shared by the gateway, the browser,
 * the tests and the benchmarks:
 *   client → `hello` Hello              on every (re)connect, and on a gap
 *   server → `snapshot` WallState       when it cannot resume the client
 *   server → `deltas` WallDelta[]       what the client missed, in order
 *   server → `delta` WallDelta          live, in order
 *   server → `tick` Tick                every few seconds: "quiet" is not "cut off"
 *   server → `upgrade` { v }            the client speaks another version: reload the page
 */
import { z } from 'zod';

/** Bumped on any change a client of the previous version would misread. */
export const WALL_PROTOCOL_VERSION = 1;

export const WALL_EVENTS = { hello: 'hello', snapshot: 'snapshot', deltas: 'deltas', delta: 'delta', tick: 'tick', upgrade: 'upgrade' } as const;

export const Hello = z.object({
  /** Absent = 1, the first version (clients written before versions were sent). */
  v: z.number().int().min(1).default(1),
  epoch: z.string().max(64).optional(),
  seq: z.number().int().min(0).optional(),
});
export type Hello = z.infer<typeof Hello>;

/** What the server cannot reach right now: the wall says 数据中断 and why, while its socket itself is fine. */
export const Outage = z.enum(['store', 'bus']);
export type Outage = z.infer<typeof Outage>;

export const Tick = z.object({
  v: z.number().int(), at: z.number(), seq: z.number().int(), epoch: z.string(),
  /** Absent or empty: all reachable. Optional so that version-1 clients and servers still agree. */
  down: z.array(Outage).optional(),
});
export type Tick = z.infer<typeof Tick>;

export const Upgrade = z.object({ v: z.number().int() });
export type Upgrade = z.infer<typeof Upgrade>;

/** The fewest milliseconds between two hellos a socket gets answered; more are coalesced. */
export const HELLO_MIN_INTERVAL_MS = 1000;
