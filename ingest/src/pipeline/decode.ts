/** First stage: bytes or text to a JSON value. A parse failure is a reason, never an exception. */
import type { RawMessage } from './types';

export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

export function decode(msg: RawMessage): Decoded {
  const v = msg.value;
  if (v === null || v === undefined) return { ok: false, reason: 'empty message' };
  if (Buffer.isBuffer(v) || typeof v === 'string') {
    const text = Buffer.isBuffer(v) ? v.toString('utf8') : v;
    if (!text.trim()) return { ok: false, reason: 'empty message' };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (err) {
      return { ok: false, reason: `not JSON: ${(err as Error).message}` };
    }
  }
  return { ok: true, value: v };
}

/** Raw text kept with a dead letter so an operator can see exactly what arrived. */
export function rawText(msg: RawMessage, limit = 65536): string {
  const v = msg.value;
  let text: string;
  if (Buffer.isBuffer(v)) text = v.toString('utf8');
  else if (typeof v === 'string') text = v;
  else {
    try { text = JSON.stringify(v) ?? String(v); } catch { text = String(v); }
  }
  return text.length > limit ? text.slice(0, limit) : text;
}
