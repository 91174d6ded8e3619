/** The ingest body, split into messages (moving to ingest/src/sources/http-body.ts). */
import type { RawMessage } from '@watchfloor/ingest/pipeline/types';
import { HttpError } from './http';

/** Splits a body into messages: a JSON array's elements, a single object, or NDJSON lines (kept as text so a bad line is rejected alone). */
export function splitBody(body: string): RawMessage[] {
  const text = body.trim();
  if (!text) return [];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, `body is not a JSON array: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new HttpError(400, 'body is not a JSON array');
    return parsed.map((value: unknown) => ({ value }));
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 1) return [{ value: lines[0]! }];
  return lines.map((value) => ({ value }));
}
