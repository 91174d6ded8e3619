/** The HTTP API's wire shapes shared by every process that answers HTTP (web, ingest /metrics). */
import { z } from 'zod';
import { RejectionCode } from './contracts/rejections';

/** Every refusal, whatever the route: a short stable code and a message for people. */
export const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

const CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  406: 'not_acceptable', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited', 500: 'internal', 503: 'unavailable',
};

export function errorCode(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** What GET /api/health says to anyone; the details need a token. */
export const HealthStatus = z.enum(['up', 'down', 'starting']);
export type HealthStatus = z.infer<typeof HealthStatus>;

/** The reply to POST /api/ingest/<topic>: what was stored, what was there already, what was refused and why. */
export const IngestOutcome = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), code: RejectionCode, reason: z.string() })),
});
export type IngestOutcome = z.infer<typeof IngestOutcome>;
