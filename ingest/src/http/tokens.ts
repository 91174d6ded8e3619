/**
 * Token checks for every door (HTTP routes, the socket handshake, /metrics): one constant-time
 * comparison, so how long a refusal takes says nothing about how much of a guess was right.
 */
import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Constant-time equality; comparing fixed-length digests keeps the length out of the timing too. */
export function tokenEquals(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Whether `given` is one of `accepted` (every candidate is compared, not the first match only). */
export function tokenIn(given: string | null | undefined, accepted: readonly string[]): boolean {
  if (typeof given !== 'string' || !given) return false;
  let ok = false;
  for (const a of accepted) ok = tokenEquals(given, a) || ok;
  return ok;
}

/** The bearer token of a request's `Authorization` header, or null. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const h = headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** `?token=` of a raw request URL (the page's own socket and fetches, where a browser cannot set a header). */
export function queryToken(url: string | undefined): string | null {
  if (!url) return null;
  const q = url.indexOf('?');
  if (q < 0) return null;
  return new URLSearchParams(url.slice(q + 1)).get('token');
}
