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

const isJsonSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * A top-level JSON array read a slice of elements at a time, with `pause()` between slices,
 * so a 10 MB batch never holds the event loop for one whole JSON.parse (~55 ms) nor decodes
 * into one 20 MB string. The byte scan only finds the top-level commas (UTF-8 continuation
 * bytes are never ASCII, so it is safe on bytes); each slice is then parsed for real as
 * `[…]`, and valid non-empty slices joined by commas are exactly a valid array. Null when
 * the body is not such an array (or is broken): the caller reads it whole as before.
 */
async function arrayInSlices(buf: Buffer, pause: () => Promise<void>, perSlice: number): Promise<RawMessage[] | null> {
  let i = 0;
  while (isJsonSpace(buf[i])) i++;
  if (buf[i] !== 0x5b) return null;
  const out: RawMessage[] = [];
  let depth = 0;
  let inString = false;
  let commas = 0;
  let start = i + 1;
  const take = (end: number): boolean => {
    let values: unknown;
    try {
      values = JSON.parse(`[${buf.toString('utf8', start, end)}]`);
    } catch {
      return false;
    }
    if (!Array.isArray(values)) return false;
    for (const value of values) out.push({ value, index: out.length });
    start = end + 1;
    return true;
  };
  for (; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next byte, a quote included
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth > 0) continue;
      // The array's end: only whitespace may follow, and a last slice may be empty only in `[]`.
      let j = i + 1;
      while (isJsonSpace(buf[j])) j++;
      if (j < buf.length) return null;
      const before = out.length;
      if (!take(i)) return null;
      return out.length === before && before > 0 ? null : out;
    } else if (c === 0x2c && depth === 1 && ++commas % perSlice === 0) {
      const before = out.length;
      // An empty slice here is a stray comma (`[1,,2]`): not JSON.
      if (!take(i) || out.length === before) return null;
      await pause();
    }
  }
  return null;
}

/**
 * The body as bytes to messages, as splitBody does, without one long stall for a big array
 * (see arrayInSlices); any other shape (one object, NDJSON, broken) is read whole.
 */
export async function splitBodyBytes(buf: Buffer, pause: () => Promise<void>, perSlice = 1000): Promise<RawMessage[]> {
  return (await arrayInSlices(buf, pause, perSlice)) ?? splitBody(buf.toString('utf8'));
}
