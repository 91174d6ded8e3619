/** First stage: bytes or text to a JSON value. A parse failure is a reason, never an exception. */
import { EVENT_MAX_DEPTH, type RejectionCode } from '@watchfloor/config/contracts';
import type { RawMessage } from '../records';

export type Decoded = { ok: true; value: unknown } | { ok: false; code: RejectionCode; reason: string };

export function decode(msg: RawMessage): Decoded {
  const v = msg.value;
  if (v === null || v === undefined) return { ok: false, code: 'empty', reason: 'empty message' };
  if (Buffer.isBuffer(v) || typeof v === 'string') {
    const text = Buffer.isBuffer(v) ? v.toString('utf8') : v;
    if (!text.trim()) return { ok: false, code: 'empty', reason: 'empty message' };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (err) {
      return { ok: false, code: 'not_json', reason: `not JSON: ${(err as Error).message}` };
    }
  }
  return { ok: true, value: v };
}

/** Deeper than any event by a margin: past it a dead letter shows "…", the operator still sees the shape. */
const TEXT_DEPTH = EVENT_MAX_DEPTH + 4;

/**
 * JSON text of a value, bounded in depth and length, that never throws: a dead letter must
 * be writable whatever arrived (JSON.stringify recurses without limit and throws on
 * bigints and cycles).
 */
export function boundedJson(value: unknown, limit: number): string {
  const out: string[] = [];
  let size = 0;
  const put = (s: string) => { out.push(s); size += s.length; };
  const walk = (v: unknown, depth: number): void => {
    if (size > limit) return;
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') {
      put(typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v));
      return;
    }
    if (typeof v !== 'object') {
      put(JSON.stringify(String(v)));
      return;
    }
    if (depth >= TEXT_DEPTH) {
      put('"…"');
      return;
    }
    if (Array.isArray(v)) {
      put('[');
      v.forEach((x, i) => { if (i) put(','); walk(x, depth + 1); });
      put(']');
      return;
    }
    put('{');
    Object.entries(v).forEach(([k, x], i) => { if (i) put(','); put(`${JSON.stringify(k)}:`); walk(x, depth + 1); });
    put('}');
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > limit ? text.slice(0, limit) : text;
}

/** Raw text kept with a dead letter so an operator can see exactly what arrived. */
export function rawText(msg: RawMessage, limit = 65536): string {
  const v = msg.value;
  let text: string;
  if (Buffer.isBuffer(v)) text = v.toString('utf8');
  else if (typeof v === 'string') text = v;
  else text = v === undefined ? '' : boundedJson(v, limit);
  return text.length > limit ? text.slice(0, limit) : text;
}
