/**
 * The warnings' lifecycle: raised → (acknowledged) → resolved, at most one open warning
 * per (rule, subject), and the list of changes the engine hands back. Rules decide *when*;
 * this module owns *what a warning looks like* and makes every emitted change a snapshot.
 *
 * Ids are a hash of rule + subject key + episode start, so recomputing from the same events
 * yields the same ids (upserts are idempotent), and a repeat-caller warning's id reveals
 * nothing of the caller hash inside its subject key.
 *
 * A colour rise on an acknowledged warning re-alarms it (status back to 'raised', ack
 * cleared): the acknowledgement was given for the lesser colour (ISA-18.2 style re-alarm).
 */
import crypto from 'node:crypto';
import type { RuleId, Warning, WarningChange, WarningColour } from '@watchfloor/config/rules';

/** What a rule says about a subject; the book adds id, times and status. */
export type WarningBody = Pick<Warning, 'colour' | 'regionCode' | 'subject' | 'reason' | 'evidence' | 'figures'>;

export function warningId(rule: RuleId, subjectKey: string, start: number): string {
  return `${rule}-${crypto.createHash('sha256').update(`${rule}|${subjectKey}|${start}`).digest('hex').slice(0, 20)}`;
}

const RANK: Record<WarningColour, number> = { yellow: 1, red: 2 };
export const colourRank = (c: WarningColour) => RANK[c];

export class WarningBook {
  /** Open warnings per rule, by subject key (no string concatenation on the hot path). */
  private readonly open = new Map<RuleId, Map<string, Warning>>();
  private readonly keyById = new Map<string, string>();
  private count = 0;
  private changes: WarningChange[] = [];

  constructor(private maxEvidence: number) {}

  setMaxEvidence(n: number): void { this.maxEvidence = n; }

  private ofRule(rule: RuleId): Map<string, Warning> {
    let m = this.open.get(rule);
    if (!m) {
      m = new Map();
      this.open.set(rule, m);
    }
    return m;
  }

  get(rule: RuleId, key: string): Warning | undefined {
    return this.open.get(rule)?.get(key);
  }

  /**
   * Opens a warning at instant `at`. `onset` is when the episode began by the events' own
   * times (a clock's due instant, the change that made a case red), when a rule can tell:
   * it is the id and raisedAt, so an episode found late, or by a rebuild, is the same warning.
   */
  raise(rule: RuleId, key: string, at: number, body: WarningBody, onset = at): Warning {
    const open = this.ofRule(rule);
    if (open.has(key)) throw new Error(`warning book: ${rule} ${body.subject} already open`);
    const w: Warning = {
      id: warningId(rule, key, onset), rule, ...body, evidence: this.bound(body.evidence),
      raisedAt: onset, updatedAt: Math.max(at, onset), status: 'raised', resolvedAt: null, acknowledgedAt: null, acknowledgedBy: null,
    };
    open.set(key, w);
    this.keyById.set(w.id, key);
    this.count++;
    this.emit('raised', w);
    return w;
  }

  /** Applies the new body; emits 'updated' only when something a reader sees has changed. */
  update(rule: RuleId, key: string, at: number, body: Partial<WarningBody>): boolean {
    const w = this.get(rule, key);
    if (!w) return false;
    const evidence = body.evidence ? this.bound(body.evidence) : w.evidence;
    const changed = (body.colour !== undefined && body.colour !== w.colour)
      || (body.reason !== undefined && body.reason !== w.reason)
      || (body.regionCode !== undefined && body.regionCode !== w.regionCode)
      || !sameList(evidence, w.evidence)
      || (body.figures !== undefined && !sameFigures(body.figures, w.figures));
    if (!changed) return false;
    if (body.colour !== undefined && RANK[body.colour] > RANK[w.colour] && w.status === 'acknowledged') {
      w.status = 'raised';
      w.acknowledgedAt = null;
      w.acknowledgedBy = null;
    }
    Object.assign(w, body, { evidence, updatedAt: at });
    this.emit('updated', w);
    return true;
  }

  resolve(rule: RuleId, key: string, at: number, body: Partial<WarningBody> = {}): boolean {
    const w = this.get(rule, key);
    if (!w) return false;
    Object.assign(w, body, { evidence: body.evidence ? this.bound(body.evidence) : w.evidence, status: 'resolved', resolvedAt: at, updatedAt: at });
    this.open.get(rule)!.delete(key);
    this.keyById.delete(w.id);
    this.count--;
    this.emit('resolved', w);
    return true;
  }

  /** A person's acknowledgement (from the API); only open warnings can be acknowledged. */
  acknowledge(id: string, by: string, at: number): WarningChange | null {
    const rule = id.slice(0, id.lastIndexOf('-')) as RuleId;
    const k = this.keyById.get(id);
    const w = k !== undefined ? this.get(rule, k) : undefined;
    if (!w || w.status !== 'raised') return null;
    w.status = 'acknowledged';
    w.acknowledgedAt = at;
    w.acknowledgedBy = by;
    w.updatedAt = Math.max(w.updatedAt, at);
    return { kind: 'updated', warning: snapshot(w) };
  }

  /** Open warnings of one rule, with their subject keys (for reconfiguration). */
  openOf(rule: RuleId): Iterable<[string, Warning]> {
    return this.open.get(rule)?.entries() ?? [];
  }

  all(): Warning[] {
    return [...this.open.values()].flatMap((m) => [...m.values()].map(snapshot));
  }

  get openCount(): number { return this.count; }

  drain(): WarningChange[] {
    const c = this.changes;
    this.changes = [];
    return c;
  }

  private bound(ids: string[]): string[] {
    return ids.length > this.maxEvidence ? ids.slice(ids.length - this.maxEvidence) : [...ids];
  }

  private emit(kind: WarningChange['kind'], w: Warning): void {
    this.changes.push({ kind, warning: snapshot(w) });
  }
}

function snapshot(w: Warning): Warning {
  return { ...w, evidence: [...w.evidence], figures: { ...w.figures } };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFigures(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
