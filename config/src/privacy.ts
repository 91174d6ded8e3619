/**
 * Personal data on display (DESIGN.md §3 Privacy): phone numbers are masked wherever text
 * may carry them (dead letters, rejection reasons, summaries, addresses, log lines), and
 * free-text identifiers are shown only when they look like internal references. Shared by
 * ingest, the server and the wall, so there is one definition of what a phone looks like.
 */
import type { RuleId, Warning } from './rules/warning';
import crypto from 'node:crypto';
import { strings } from './strings';

// Digits as Chinese input methods write them too (full-width ０-９).
const D = '[0-9\\uFF10-\\uFF19]';
const ND = '(?<![0-9\\uFF10-\\uFF19])';
const NA = '(?![0-9\\uFF10-\\uFF19])';
// Between digit groups: hyphens, dots, spaces (several, or ideographic), full-width hyphen/dot.
const SEP = '[ \\t.\\-\\u3000\\uFF0D\\uFF0E\\u2010-\\u2015]{0,3}';
const OPEN = '[(\\uFF08]';
const CLOSE = '[)\\uFF09]';

/** Mobile: 1[3-9]x xxxx xxxx, optionally after +86 / 0086 / 86 (bracketed or not). */
const MOBILE = new RegExp(
  `${ND}(?:${OPEN}?(?:[+\\uFF0B]|00|\\uFF10\\uFF10)?(?:86|\\uFF18\\uFF16)${CLOSE}?${SEP})?`
  + `([1\\uFF11][3-9\\uFF13-\\uFF19]${D})${SEP}(${D}{4})${SEP}(${D}{4})${NA}`,
  'g',
);
/**
 * Landline: area code 010/02x or 0[3-9]xx (optionally bracketed) and a 7–8 digit local number that
 * does not start with 0 or 1. Dates (2026-12-01), times, region codes and grid ids never
 * have that shape.
 */
const LANDLINE = new RegExp(
  `${ND}(?:${OPEN}\\s*)?((?:[0\\uFF10][12\\uFF11\\uFF12]${D}|[0\\uFF10][3-9\\uFF13-\\uFF19]${D}{2}))(?:\\s*${CLOSE})?${SEP}([2-9\\uFF12-\\uFF19]${D}{2,3})${SEP}(${D}{4})${NA}`,
  'g',
);

const ascii = (s: string) => s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48));

/** Masks phone-shaped digit runs, keeping enough to read (138****5678, 0913-****6789). */
export function redactPhones(text: string): string {
  return text
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${ascii(a)}****${ascii(c)}`)
    .replace(LANDLINE, (_m, a: string, _b: string, c: string) => `${ascii(a)}-****${ascii(c)}`);
}

/** The fewest digits a phone above has (a landline: a 3-digit area code and 7 digits; a mobile 11). */
const PHONE_MIN_DIGITS = 10;

export function containsPhone(text: string): boolean {
  // Counting digits first: the wall's snapshot asks this of every id it shows (tens of
  // thousands), and hardly any holds ten digits; the two patterns run only on those that do.
  let digits = 0;
  for (let i = 0; i < text.length && digits < PHONE_MIN_DIGITS; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xFF10 && c <= 0xFF19)) digits++;
  }
  return digits >= PHONE_MIN_DIGITS && redactPhones(text) !== text;
}

/** What an internal reference looks like: ASCII letters, digits and - _ . / : (no spaces, no names). */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_./:-]{0,63}$/;

let referenceKey: string | null = null;

/**
 * The secret behind display references: the phone-hash key, set once at start by each process
 * (they all share it, so they all show the same reference). Unkeyed, a reference to an id that
 * is just a phone number would be found again by hashing every number.
 */
export function setReferenceKey(key: string): void {
  referenceKey = key;
}

/** A stable short reference: keyed HMAC where the process set the key; FNV-1a in pure tests. */
function shortHash(s: string): string {
  if (referenceKey !== null) return crypto.createHmac('sha256', referenceKey).update(s).digest('hex').slice(0, 8);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export type IdKind = keyof typeof strings.idRef;

/**
 * An identifier as it may be displayed (warning reasons, the wall): itself when it looks
 * like an internal reference, otherwise a short hash-based reference such as 案件#a1b2c3d4 —
 * a free-text id such as "张三 13912345678" carries a name and a number.
 */
export function displayId(kind: IdKind, id: string): string {
  if (SAFE_ID.test(id) && !containsPhone(id)) return id;
  return `${strings.idRef[kind]}#${shortHash(id)}`;
}

/**
 * What a warning's subject and evidence ids are, per rule: the kind their display form is
 * made under, so a warning's evidence reads like the same call, alert or case on the wall.
 * A null subject is a place (grid, town, category code), which is shown as it is.
 */
const WARNING_ID_KINDS: Record<RuleId, { subject: IdKind | null; evidence: IdKind }> = {
  grid_surge: { subject: null, evidence: 'call' },
  category_surge: { subject: null, evidence: 'call' },
  repeat_dispute: { subject: null, evidence: 'call' },
  dispatch_delay: { subject: 'call', evidence: 'call' },
  case_deadline: { subject: 'case', evidence: 'case' },
  red_case: { subject: 'case', evidence: 'case' },
  crowd_cluster: { subject: null, evidence: 'alert' },
  camera_online: { subject: null, evidence: 'camera' },
};

/** A warning's subject and evidence as they may be displayed (the API, exports). */
export function displayWarningIds(w: Pick<Warning, 'rule' | 'subject' | 'evidence'>): { subject: string; evidence: string[] } {
  const k = WARNING_ID_KINDS[w.rule];
  return { subject: k.subject ? displayId(k.subject, w.subject) : w.subject, evidence: w.evidence.map((id) => displayId(k.evidence, id)) };
}
