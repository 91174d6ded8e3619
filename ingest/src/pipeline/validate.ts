/**
 * Second stage: a JSON value against the topic's contract, with a reason a person can act on
 * and a code metrics can count. Refuses everything the store cannot hold, so one bad item
 * never fails its neighbours' transaction.
 */
import {
  DEFAULT_MAX_EVENT_SKEW_SECONDS, RejectionCode, TOPIC_DESCRIPTORS, storable, timeOf, type EventOf, type Topic,
} from '@watchfloor/config/contracts';
import type { z } from 'zod';

export type Validated<T extends Topic> = { ok: true; value: EventOf<T> } | { ok: false; code: RejectionCode; reason: string };

export interface ValidateOptions {
  /** The server clock, ms: validation takes it as an argument so tests can fix it. */
  now: number;
  /** How far ahead of `now` an event time may be (device clocks drift; a year ahead is a wrong clock). */
  maxSkewSeconds?: number;
}

export function validate<T extends Topic>(topic: T, value: unknown, opts: ValidateOptions): Validated<T> {
  const bad = storable.valueProblem(value);
  if (bad) return { ok: false, code: bad.code, reason: bad.reason };
  const d = TOPIC_DESCRIPTORS[topic];
  const r = d.schema.safeParse(value);
  if (!r.success) return { ok: false, code: issueCode(r.error.issues), reason: formatIssues(r.error.issues) };
  // The union of the five schemas' outputs narrows to EventOf<T> by the topic key.
  const event = r.data as EventOf<T>;
  const skew = (opts.maxSkewSeconds ?? DEFAULT_MAX_EVENT_SKEW_SECONDS) * 1000;
  const t = timeOf(topic, event);
  if (Date.parse(t) > opts.now + skew) {
    return { ok: false, code: 'future', reason: `${d.timeField}: ${t} is more than ${skew / 1000} s ahead of the server clock` };
  }
  return { ok: true, value: event };
}

/** A refinement may name its code (`params.rejection`); any other issue is a schema mismatch. */
function issueCode(issues: readonly z.core.$ZodIssue[]): RejectionCode {
  for (const i of issues) {
    if (i.code !== 'custom') continue;
    const c = RejectionCode.safeParse(i.params?.['rejection']);
    if (c.success) return c.data;
  }
  return 'schema';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ') + (issues.length > 5 ? `; … ${issues.length - 5} more` : '');
}
