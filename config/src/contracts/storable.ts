/**
 * What the store can hold, checked before an event is accepted: a value PostgreSQL refuses
 * would fail the whole batch's transaction, so it must be refused alone, with a reason.
 */

/**
 * Events are accepted from 1900 on (centers import archives of earlier years; the briefing
 * compares with last year) up to the last instant ISO-8601's four-digit year can write.
 * PostgreSQL refuses year 0 and beyond; the future is bounded by the clock skew at validation.
 */
export const EVENT_TIME_MIN = Date.UTC(1900, 0, 1);
export const EVENT_TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Events are a few levels deep; anything deeper is not an event and must not reach a recursive serialiser. */
export const EVENT_MAX_DEPTH = 16;
/**
 * The largest message (bytes as it arrives on Kafka) that can be an event: the widest event
 * its schema allows (every string at its maximum length, each character written as a 6-byte
 * `\uXXXX` escape) is about 20 KiB — test/unit/parsing.test.ts builds it — and the rest is room
 * for fields a newer producer adds. A bigger message is refused by its size before it is
 * parsed, so a flood of huge strings costs neither JSON.parse nor validation, nor a big row.
 */
export const EVENT_MAX_BYTES = 32 * 1024;

const OFFSET = /([+-])(\d{2}):(\d{2})$/;

function timeProblem(iso: string): string | null {
  const off = OFFSET.exec(iso);
  // PostgreSQL refuses offsets beyond ±15:59 (real zones stay within ±14:00).
  if (off && Number(off[2]) > 15) return `UTC offset ${off[0]} is beyond ±15:59`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null; // the format check already says why
  if (t < EVENT_TIME_MIN || t > EVENT_TIME_MAX) return 'year must be between 1900 and 9999';
  return null;
}

/**
 * Why a decoded value cannot be stored as it is (null when it can): a NUL character in any
 * string or key (PostgreSQL text cannot hold it), or nesting deeper than any event. Walks at
 * most EVENT_MAX_DEPTH levels, so a hostile value cannot exhaust the stack here.
 */
function valueProblem(value: unknown): { code: 'unstorable' | 'too_deep'; reason: string } | null {
  const walk = (v: unknown, depth: number, path: string): { code: 'unstorable' | 'too_deep'; reason: string } | null => {
    if (typeof v === 'string') return v.includes('\u0000') ? { code: 'unstorable', reason: `${path || '(message)'}: contains a NUL character (\\u0000)` } : null;
    if (v === null || typeof v !== 'object') return null;
    if (depth >= EVENT_MAX_DEPTH) return { code: 'too_deep', reason: `${path || '(message)'}: nested deeper than ${EVENT_MAX_DEPTH} levels` };
    for (const [k, x] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return { code: 'unstorable', reason: `${path || '(message)'}: a key contains a NUL character (\\u0000)` };
      const p = walk(x, depth + 1, at);
      if (p) return p;
    }
    return null;
  };
  return walk(value, 0, '');
}

export const storable = { timeProblem, valueProblem };
