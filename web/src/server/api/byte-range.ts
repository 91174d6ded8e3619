/**
 * What to answer a GET for part of a file (RFC 9110 §13-14): the conditional headers first
 * (If-None-Match → 304), then Range, honoured only when If-Range, if sent, names the current
 * ETag. One range is served; a Range header that cannot be parsed, is not in bytes or asks
 * for several ranges is ignored (the whole file, as the RFC allows), and one whose ranges all
 * start past the end is 416. Parsing is range-parser's (the one Express and `send` use).
 */
import parseRange from 'range-parser';

export interface RangeRequest {
  size: number;
  /** The file's strong ETag, quoted. */
  etag: string;
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
}

export type RangeAnswer =
  | { status: 304 }
  | { status: 200; start: 0; end: number }
  | { status: 206; start: number; end: number }
  | { status: 416 };

/** If-None-Match's list (or `*`) against the ETag; weak comparison, as the RFC asks for this header. */
function noneMatchHits(header: string, etag: string): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

export function answerRange(r: RangeRequest): RangeAnswer {
  if (r.ifNoneMatch !== undefined && noneMatchHits(r.ifNoneMatch, r.etag)) return { status: 304 };
  const whole = { status: 200 as const, start: 0 as const, end: r.size - 1 };
  if (r.range === undefined) return whole;
  // If-Range wants a strong match; a date there (we send none) is treated as a change.
  if (r.ifRange !== undefined && r.ifRange.trim() !== r.etag) return whole;
  const ranges = parseRange(r.size, r.range, { combine: true });
  if (ranges === -2) return whole;
  if (ranges === -1) return { status: 416 };
  if (ranges.type !== 'bytes' || ranges.length !== 1) return whole;
  const [only] = ranges;
  return only ? { status: 206, start: only.start, end: only.end } : whole;
}
