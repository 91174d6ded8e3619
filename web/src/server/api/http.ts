/** Small HTTP helpers for the API routes: JSON replies, bounded bodies, bearer tokens. */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly body?: Record<string, unknown>) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Reads the body up to `limit` bytes; past that a 413, without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, `body over ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The bearer token of a request (Authorization header; `?token=` only where the caller allows it). */
export function bearer(req: IncomingMessage, url: URL, allowQuery = false): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return allowQuery ? url.searchParams.get('token') : null;
}

export function requireToken(req: IncomingMessage, url: URL, accepted: readonly string[], allowQuery = false): void {
  const t = bearer(req, url, allowQuery);
  if (!t || !accepted.some((a) => safeEqual(a, t))) throw new HttpError(401, 'missing or wrong bearer token');
}

/** An optional ISO-8601 query parameter: null when absent or empty, a 400 naming it when malformed. */
export function timeParam(url: URL, name: string): Date | null {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `${name} is not an ISO-8601 time`);
  return new Date(t);
}
