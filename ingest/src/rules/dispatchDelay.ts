/**
 * dispatch_delay: an urgent call not dispatched within X minutes, or a dispatched unit not
 * on scene within Y minutes. Per incident (the call id) only three times are kept —
 * received, first dispatched, first on scene — and timers fire at the yellow and red
 * instants. A dispatch command or a unit status `dispatched`/`en_route` naming the incident
 * counts as dispatched; `on_scene` as arrived. The two stages are successive episodes of
 * one subject: dispatching resolves the first, and may start the second's clock.
 * An incident is dropped once it has arrived, or after expireAfterHours (its warning, if
 * any, resolves then: it is history, not a live alarm).
 */
import { UNIT_STATUS_MOVES, type CallCategory } from '@watchfloor/config/contracts';
import type { CallRecord, StoredRecord } from '../records';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { resolveAll, type Rule, type RuleContext } from './types';
import { colourRank } from './warningBook';

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Incident {
  id: string; receivedAt: number; priority: number; category: CallCategory; gridId: string | null;
  dispatchedAt: number | null; onSceneAt: number | null;
  /** Stage of the open warning: 0 dispatch, 1 arrival. */
  phase: 0 | 1 | null;
  wakeAt: number;
}
interface Orphan { dispatchedAt: number | null; onSceneAt: number | null; t: number }

const minOf = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

export class DispatchDelayRule implements Rule {
  readonly id = 'dispatch_delay' as const;
  readonly topics = ['police.calls', 'dispatch.commands', 'unit.status'] as const;
  private readonly incidents = new Map<string, Incident>();
  /** Dispatch/arrival seen before its call (clock skew between systems): kept until the call comes or the horizon passes. */
  private readonly orphans = new Map<string, Orphan>();
  private readonly dirty = new Set<string>();

  apply(rec: StoredRecord, t: number, ctx: RuleContext): void {
    switch (rec.topic) {
      case 'police.calls': return this.onCall(rec as CallRecord, t, ctx);
      case 'dispatch.commands': return this.mark(rec.event.incidentId, t, 'dispatched');
      case 'unit.status': {
        const e = rec.event;
        if (!e.incidentId) return;
        const move = UNIT_STATUS_MOVES[e.status];
        // En route is dispatched for this rule: the clock it stops is the one of sending a unit.
        if (move === 'dispatched' || move === 'en_route') this.mark(e.incidentId, t, 'dispatched');
        else if (move === 'on_scene') this.mark(e.incidentId, t, move);
        return;
      }
      default:
    }
  }

  private onCall(rec: CallRecord, t: number, ctx: RuleContext): void {
    const cfg = ctx.config.dispatch_delay;
    const e = rec.event;
    if (!cfg.dispatch.priorities.includes(e.priority) && !cfg.arrival.priorities.includes(e.priority)) return;
    if (this.incidents.has(e.id)) return;
    const o = this.orphans.get(e.id);
    this.orphans.delete(e.id);
    const inc: Incident = {
      id: e.id, receivedAt: t, priority: e.priority, category: e.category, gridId: rec.place.gridId,
      dispatchedAt: o?.dispatchedAt ?? null, onSceneAt: o?.onSceneAt ?? null, phase: null, wakeAt: -Infinity,
    };
    this.incidents.set(e.id, inc);
    this.dirty.add(e.id);
  }

  private mark(id: string, t: number, what: 'dispatched' | 'on_scene'): void {
    const target = this.incidents.get(id) ?? this.orphans.get(id);
    if (!target) {
      this.orphans.set(id, { dispatchedAt: t, onSceneAt: what === 'on_scene' ? t : null, t });
      return;
    }
    // Arriving implies having been sent, even when the dispatch message is missing.
    target.dispatchedAt = minOf(target.dispatchedAt, t);
    if (what === 'on_scene') target.onSceneAt = minOf(target.onSceneAt, t);
    if (this.incidents.has(id)) this.dirty.add(id);
  }

  wake(key: string): void { this.dirty.add(key); }

  reconfigure(): void { for (const k of this.incidents.keys()) this.dirty.add(k); }

  prune(ctx: RuleContext): void {
    const before = ctx.now - ctx.config.engine.lateHorizonHours * HOUR;
    for (const [id, o] of this.orphans) if (o.t < before) this.orphans.delete(id);
  }

  size(): number { return this.incidents.size + this.orphans.size; }

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    const cfg = ctx.config.dispatch_delay;
    if (!cfg.enabled) {
      resolveAll(ctx, this.id);
      for (const id of this.dirty) {
        const inc = this.incidents.get(id);
        if (inc) inc.phase = null;
      }
      this.dirty.clear();
      return;
    }
    const now = ctx.now;
    for (const id of this.dirty) {
      const inc = this.incidents.get(id);
      if (!inc) continue;
      const dispTracked = cfg.dispatch.enabled && cfg.dispatch.priorities.includes(inc.priority);
      const arrTracked = cfg.arrival.enabled && cfg.arrival.priorities.includes(inc.priority);
      const dispatched = inc.dispatchedAt !== null && inc.dispatchedAt <= now;
      const arrived = inc.onSceneAt !== null && inc.onSceneAt <= now;
      const expired = now >= inc.receivedAt + cfg.expireAfterHours * HOUR;
      let phase: 0 | 1 | null = null;
      let since = 0;
      let stage = cfg.dispatch;
      if (!expired && dispTracked && !dispatched) {
        phase = 0;
        since = inc.receivedAt;
      } else if (!expired && arrTracked && dispatched && !arrived) {
        phase = 1;
        since = inc.dispatchedAt!;
        stage = cfg.arrival;
      }
      const yellowAt = since + stage.yellowMinutes * MINUTE;
      const redAt = since + stage.redMinutes * MINUTE;
      const severity = phase === null ? 0 : now >= redAt ? 2 : now >= yellowAt ? 1 : 0;
      const open = ctx.book.get(this.id, id);
      if (open && (severity === 0 || inc.phase !== phase)) {
        ctx.book.resolve(this.id, id, now);
        inc.phase = null;
      }
      if (severity > 0) {
        const minutes = severity === 2 ? stage.redMinutes : stage.yellowMinutes;
        const place = inc.gridId ? gridPlace(ctx.region, inc.gridId) : ctx.region.countyName;
        const body = {
          colour: severity === 2 ? 'red' as const : 'yellow' as const,
          regionCode: inc.gridId ?? ctx.region.countyCode, subject: id,
          reason: phase === 0
            ? reasons.dispatchLate(place, inc.priority, inc.category, id, minutes)
            : reasons.arrivalLate(place, inc.priority, inc.category, id, minutes),
          evidence: [id], figures: { stage: phase!, priority: inc.priority, since, limitMinutes: minutes },
        };
        const cur = ctx.book.get(this.id, id);
        if (!cur) {
          // Late since the stage's yellow instant, however late the call reached the engine.
          ctx.book.raise(this.id, id, now, body, yellowAt);
          inc.phase = phase;
        } else if (severity > colourRank(cur.colour)) {
          ctx.book.update(this.id, id, now, body);
        }
      }
      const done = expired || arrived || (dispatched && !arrTracked) || (!dispTracked && !arrTracked);
      if (done && !ctx.book.get(this.id, id)) {
        this.incidents.delete(id);
        continue;
      }
      // One timer at a time: the next colour change, or else the expiry (most incidents never need it).
      const next = phase !== null && severity < 2 ? (severity === 0 ? yellowAt : redAt) : inc.receivedAt + cfg.expireAfterHours * HOUR;
      if (next > now && next !== inc.wakeAt) {
        inc.wakeAt = next;
        ctx.schedule(next, this, id);
      }
    }
    this.dirty.clear();
  }
}
