/**
 * An HTTP ingest body to messages. Accepted shapes: one JSON document (an array of events,
 * or one event, pretty-printed or not) or NDJSON (one event a line). Which one it is is
 * decided by parsing, never by the first byte: a pretty-printed object starts with `{` too.
 * Never throws: whatever cannot be read becomes a message the pipeline rejects with a
 * reason, so a bad body is a rejection in the reply, never a 500.
 *
 * Indexes are what the sender can find: an array's element index, and for NDJSON the line
 * number among all lines (0-based, blank lines counted), so a rejection after blank lines
 * still points at its line.
 */
import type { RawMessage } from '../records';

type Parsed = { ok: true; value: unknown } | { ok: false };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isObject = (p: Parsed) => p.ok && typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value);

export function splitBody(text: string): RawMessage[] {
  if (!text.trim()) return [];
  const whole = parse(text);
  if (whole.ok) {
    return Array.isArray(whole.value) ? whole.value.map((value: unknown, index) => ({ value, index })) : [{ value: whole.value, index: 0 }];
  }
  const lines = text.split(/\r?\n/);
  const parsed = lines.map((l) => (l.trim() ? parse(l) : null));
  // NDJSON when some line is an event (an object) on its own; otherwise the body is one
  // broken document, rejected once as not JSON rather than line by line.
  if (!parsed.some((p) => p && isObject(p))) return [{ value: text, index: 0 }];
  const out: RawMessage[] = [];
  parsed.forEach((p, index) => {
    if (!p) return;
    // A line that parsed is handed on as its value (not parsed twice); a bad one as its text, for its reason.
    out.push(p.ok ? { value: p.value, index } : { value: lines[index]!, index });
  });
  return out;
}
