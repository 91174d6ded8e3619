/** Second stage: a JSON value against the topic's contract, with a reason a person can act on. */
import { TOPIC_SCHEMAS, type EventOf, type Topic } from '@watchfloor/config/contracts';
import type { z } from 'zod';

export type Validated<T extends Topic> = { ok: true; value: EventOf<T> } | { ok: false; reason: string };

export function validate<T extends Topic>(topic: T, value: unknown): Validated<T> {
  const r = TOPIC_SCHEMAS[topic].safeParse(value);
  // The union of the five schemas' outputs narrows to EventOf<T> by the topic key.
  if (r.success) return { ok: true, value: r.data as EventOf<T> };
  return { ok: false, reason: formatIssues(r.error.issues) };
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ') + (issues.length > 5 ? `; … ${issues.length - 5} more` : '');
}
