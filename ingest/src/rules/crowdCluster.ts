/**
 * crowd_cluster: at least K crowd alerts (of enough confidence) within M minutes in one
 * grid. Per grid only the alerts of the last M minutes are kept; each leaves the window by
 * a timer at its time + M, which is when the count can drop and the warning clear.
 */
import type { AlertRecord, StoredRecord } from '../records';
import { colourOf, newEpisode, onsetAt, stepEpisode, type Episode, type Severity } from './episode';
import { reasons } from './reasons';
import { gridPlace } from './region';
import { insertRecent, resolveAll, type Rule, type RuleContext } from './types';

const MINUTE = 60_000;

/** `endedAt`: when the grid's last episode ended (the next one begins after it). */
interface GridState { alerts: { t: number; id: string }[]; ep: Episode; peak: number; wakeAt: number; endedAt: number }

export class CrowdClusterRule implements Rule {
  readonly id = 'crowd_cluster' as const;
  readonly topics = ['camera.alerts'] as const;
  private readonly grids = new Map<string, GridState>();
  private readonly dirty = new Set<string>();

  apply(rec: StoredRecord, t: number, ctx: RuleContext): void {
    if (rec.topic !== 'camera.alerts') return;
    const r = rec as AlertRecord;
    const cfg = ctx.config.crowd_cluster;
    if (r.event.type !== 'crowd' || r.event.confidence < cfg.minConfidence || !r.place.gridId) return;
    if (t <= ctx.now - cfg.windowMinutes * MINUTE) return;
    let g = this.grids.get(r.place.gridId);
    if (!g) {
      g = { alerts: [], ep: newEpisode(), peak: 0, wakeAt: -Infinity, endedAt: -Infinity };
      this.grids.set(r.place.gridId, g);
    }
    insertRecent(g.alerts, { t, id: r.event.id }, 10_000);
    this.dirty.add(r.place.gridId);
  }

  wake(key: string): void { this.dirty.add(key); }

  reconfigure(): void { for (const k of this.grids.keys()) this.dirty.add(k); }

  size(): number { return this.grids.size; }

  private body(gridId: string, g: GridState, ctx: RuleContext) {
    const cfg = ctx.config.crowd_cluster;
    return {
      colour: colourOf(g.ep.severity), regionCode: gridId, subject: gridId,
      reason: reasons.crowdCluster(gridPlace(ctx.region, gridId), cfg.windowMinutes, g.alerts.length),
      evidence: g.alerts.map((a) => a.id), figures: { alerts: g.alerts.length, windowMinutes: cfg.windowMinutes },
    };
  }

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    const cfg = ctx.config.crowd_cluster;
    if (!cfg.enabled) {
      resolveAll(ctx, this.id);
      for (const g of this.grids.values()) {
        g.ep = newEpisode();
        g.endedAt = ctx.now;
      }
      this.dirty.clear();
      return;
    }
    const windowMs = cfg.windowMinutes * MINUTE;
    for (const gridId of this.dirty) {
      const g = this.grids.get(gridId);
      if (!g) continue;
      const now = ctx.now;
      while (g.alerts.length && g.alerts[0]!.t <= now - windowMs) g.alerts.shift();
      const n = g.alerts.length;
      const level: Severity = n >= cfg.redCount ? 2 : n >= cfg.yellowCount ? 1 : 0;
      const step = stepEpisode(g.ep, now, level, n < cfg.clearBelow, cfg.quietMinutes * MINUTE);
      if (step.action === 'raise') {
        g.peak = n;
        // Late alerts: the cluster began at the first alert that made yellowCount in a window.
        const holds = (tau: number) => g.alerts.filter((a) => a.t > tau - windowMs && a.t <= tau).length >= cfg.yellowCount;
        ctx.book.raise(this.id, gridId, now, this.body(gridId, g, ctx), onsetAt(g.alerts.map((a) => a.t), g.endedAt, now, holds));
      } else if (step.action === 'resolve') {
        ctx.book.resolve(this.id, gridId, now);
        g.endedAt = now;
      } else if (g.ep.open && n > g.peak) {
        g.peak = n;
        ctx.book.update(this.id, gridId, now, this.body(gridId, g, ctx));
      }
      const expiry = g.alerts[0] ? g.alerts[0].t + windowMs : null;
      const next = step.wakeAt !== null && (expiry === null || step.wakeAt < expiry) ? step.wakeAt : expiry;
      if (next !== null && next > now && next !== g.wakeAt) {
        g.wakeAt = next;
        ctx.schedule(next, this, gridId);
      }
      if (!g.ep.open && n === 0) this.grids.delete(gridId);
    }
    this.dirty.clear();
  }
}
