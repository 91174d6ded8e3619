/**
 * camera_online: a town's camera online rate below threshold. A registered camera is
 * offline while its latest alert of the last `offlineWindowHours` is camera_offline (the
 * rate definition the wall shows); any later alert from it proves it is back. Per camera
 * only its latest alert is kept; per town a count of offline cameras. An offline mark
 * expires by a timer at its time + window, so the rate recovers at an exact instant.
 * Unregistered cameras have no place in a town's denominator and are ignored.
 */
import type { AlertRecord, StoredRecord } from '../records';
import { colourOf, newEpisode, onsetAt, stepEpisode, type Episode, type Severity } from './episode';
import { reasons } from './reasons';
import { townName } from './region';
import { resolveAll, type Rule, type RuleContext } from './types';

const HOUR = 3_600_000;
const MINUTE = 60_000;

interface Cam { t: number; id: string; offline: boolean; townCode: string; expiresAt: number }
/** `offline`: camera id → the id of its offline alert; `endedAt`: when the last episode ended. */
interface Town { offline: Map<string, string>; ep: Episode; worst: number; wakeAt: number; endedAt: number }

export class CameraOnlineRule implements Rule {
  readonly id = 'camera_online' as const;
  readonly topics = ['camera.alerts'] as const;
  private readonly cams = new Map<string, Cam>();
  private readonly towns = new Map<string, Town>();
  private totals: Map<string, number> | null = null;
  private readonly dirty = new Set<string>();

  apply(rec: StoredRecord, t: number, ctx: RuleContext): void {
    if (rec.topic !== 'camera.alerts') return;
    const e = (rec as AlertRecord).event;
    const reg = ctx.region.cameras.get(e.cameraId);
    if (!reg) return;
    let cam = this.cams.get(e.cameraId);
    // Only the latest word counts; same-instant ties go to the larger id so any arrival order agrees.
    if (cam && (t < cam.t || (t === cam.t && e.id <= cam.id))) return;
    const windowMs = ctx.config.camera_online.offlineWindowHours * HOUR;
    const offline = e.type === 'camera_offline' && t + windowMs > ctx.now;
    const wasOffline = cam?.offline ?? false;
    // Kept even when online (bounded by the registry): a late, older alert must not override it.
    if (!cam) {
      cam = { t, id: e.id, offline, townCode: reg.townCode, expiresAt: t + windowMs };
      this.cams.set(e.cameraId, cam);
    } else {
      cam.t = t;
      cam.id = e.id;
      cam.offline = offline;
      cam.townCode = reg.townCode;
      cam.expiresAt = t + windowMs;
    }
    if (!offline && !wasOffline) return;
    const town = this.town(reg.townCode);
    if (offline) {
      town.offline.set(e.cameraId, e.id);
      ctx.schedule(cam.expiresAt, this, `cam:${e.cameraId}`);
    } else {
      town.offline.delete(e.cameraId);
    }
    this.dirty.add(reg.townCode);
  }

  wake(key: string, ctx: RuleContext): void {
    if (key.startsWith('town:')) {
      this.dirty.add(key.slice(5));
      return;
    }
    const id = key.slice(4);
    const cam = this.cams.get(id);
    if (!cam || !cam.offline || cam.expiresAt > ctx.now) return;
    cam.offline = false;
    this.towns.get(cam.townCode)?.offline.delete(id);
    this.dirty.add(cam.townCode);
  }

  reconfigure(ctx: RuleContext): void {
    this.totals = null;
    for (const code of ctx.region.towns.keys()) this.dirty.add(code);
    for (const code of this.towns.keys()) this.dirty.add(code);
  }

  size(): number { return this.cams.size + this.towns.size; }

  evaluate(ctx: RuleContext): void {
    if (this.dirty.size === 0) return;
    const cfg = ctx.config.camera_online;
    if (!cfg.enabled) {
      resolveAll(ctx, this.id);
      for (const t of this.towns.values()) {
        t.ep = newEpisode();
        t.endedAt = ctx.now;
      }
      this.dirty.clear();
      return;
    }
    const totals = this.totalsOf(ctx);
    for (const code of this.dirty) {
      const town = this.town(code);
      const total = totals.get(code) ?? 0;
      const offline = town.offline.size;
      const rate = total > 0 ? (total - offline) / total : 1;
      const counted = total >= cfg.minCameras;
      const level: Severity = !counted ? 0 : rate < cfg.redBelow ? 2 : rate < cfg.yellowBelow ? 1 : 0;
      const step = stepEpisode(town.ep, ctx.now, level, !counted || rate >= cfg.clearAtOrAbove, cfg.quietMinutes * MINUTE);
      if (step.action === 'raise') {
        town.worst = offline;
        ctx.book.raise(this.id, code, ctx.now, this.body(code, town, total, rate, ctx), this.onset(town, total, ctx));
      } else if (step.action === 'escalate' || (town.ep.open && offline > town.worst)) {
        town.worst = Math.max(town.worst, offline);
        ctx.book.update(this.id, code, ctx.now, this.body(code, town, total, rate, ctx));
      } else if (step.action === 'resolve') {
        ctx.book.resolve(this.id, code, ctx.now);
        town.endedAt = ctx.now;
      }
      if (step.wakeAt !== null && step.wakeAt !== town.wakeAt) {
        town.wakeAt = step.wakeAt;
        ctx.schedule(step.wakeAt, this, `town:${code}`);
      }
    }
    this.dirty.clear();
  }

  /**
   * The offline notice that took the rate below yellow, by event time (late notices: see
   * episode.ts onsetAt). A camera offline now has been so since its notice; one already back
   * is not counted, which can only undercount.
   */
  private onset(town: Town, total: number, ctx: RuleContext): number {
    const cfg = ctx.config.camera_online;
    const since: number[] = [];
    for (const id of town.offline.keys()) {
      const cam = this.cams.get(id);
      if (cam) since.push(cam.t);
    }
    since.sort((a, b) => a - b);
    const holds = (tau: number) => {
      let off = 0;
      for (const t of since) if (t <= tau) off++;
      return (total - off) / total < cfg.yellowBelow;
    };
    return onsetAt(since, town.endedAt, ctx.now, holds);
  }

  private body(code: string, town: Town, total: number, rate: number, ctx: RuleContext) {
    const cfg = ctx.config.camera_online;
    const offline = town.offline.size;
    return {
      colour: colourOf(town.ep.severity), regionCode: code, subject: code,
      reason: reasons.cameraOnline(townName(ctx.region, code), total - offline, total, town.ep.severity === 2 ? cfg.redBelow : cfg.yellowBelow),
      evidence: [...town.offline.values()].sort(),
      figures: { online: total - offline, total, rate: Math.round(rate * 10000) / 10000 },
    };
  }

  private town(code: string): Town {
    let t = this.towns.get(code);
    if (!t) {
      t = { offline: new Map(), ep: newEpisode(), worst: 0, wakeAt: -Infinity, endedAt: -Infinity };
      this.towns.set(code, t);
    }
    return t;
  }

  private totalsOf(ctx: RuleContext): Map<string, number> {
    if (!this.totals) {
      this.totals = new Map();
      for (const c of ctx.region.cameras.values()) this.totals.set(c.townCode, (this.totals.get(c.townCode) ?? 0) + 1);
    }
    return this.totals;
  }
}
