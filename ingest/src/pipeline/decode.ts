/** First stage: bytes or text to a JSON value. A parse failure is a reason, never an exception. */
import { EVENT_MAX_BYTES, EVENT_MAX_DEPTH, type RejectionCode } from '@watchfloor/config/contracts';
import { redactPhones } from './redact';
import type { RawMessage } from '../records';

export type Decoded = { ok: true; value: unknown } | { ok: false; code: RejectionCode; reason: string };

export function decode(msg: RawMessage): Decoded {
  const v = msg.value;
  if (v === null || v === undefined) return { ok: false, code: 'empty', reason: 'empty message' };
  if (Buffer.isBuffer(v) || typeof v === 'string') {
    // Judged by its length before any parse: no event is this big (EVENT_MAX_BYTES says why).
    const bytes = Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v);
    if (bytes > EVENT_MAX_BYTES) return { ok: false, code: 'too_large', reason: `message is ${bytes} bytes, more than the ${EVENT_MAX_BYTES} an event can be` };
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

/** A dead letter's payload is cut here (a message within EVENT_MAX_BYTES is kept whole). */
export const DEAD_LETTER_PAYLOAD_MAX = 65536;
/** What is kept of a message refused for its size: its start shows the operator which sender it was. */
export const TOO_LARGE_PAYLOAD_KEPT = 4096;
/** Longer than any phone number with its prefix and separators, so none is cut before it is masked. */
const PHONE_MARGIN = 64;

/**
 * The payload a dead letter keeps: the raw text, phones masked, cut at `limit`. Masked
 * before the cut (on a margin past it), so the cut never leaves a number's unmasked head.
 */
export function deadLetterPayload(msg: RawMessage, limit = DEAD_LETTER_PAYLOAD_MAX): string {
  const text = rawText(msg, limit + PHONE_MARGIN);
  const masked = redactPhones(text);
  return masked.length > limit ? masked.slice(0, limit) : masked;
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
export function rawText(msg: RawMessage, limit = DEAD_LETTER_PAYLOAD_MAX): string {
  const v = msg.value;
  let text: string;
  // Only the bytes that can be kept are decoded (a UTF-16 unit is at most 3 UTF-8 bytes): all of
  // a huge message would become a string as big, made only to be cut (a flood's garbage).
  if (Buffer.isBuffer(v)) text = v.subarray(0, 3 * limit).toString('utf8');
  else if (typeof v === 'string') text = v;
  else text = v === undefined ? '' : boundedJson(v, limit);
  return text.length > limit ? text.slice(0, limit) : text;
}
