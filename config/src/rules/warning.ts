/**
 * The warning (预警) vocabulary of DESIGN.md §1: what the rules engine emits, what the
 * warnings table stores and what the wall and the API show. Declared once, here.
 */
import { z } from 'zod';

export const RULE_IDS = [
  'grid_surge', 'category_surge', 'repeat_dispute', 'case_deadline', 'red_case', 'camera_online', 'crowd_cluster', 'dispatch_delay',
] as const;
export const RuleId = z.enum(RULE_IDS);
export type RuleId = z.infer<typeof RuleId>;

/** Warnings use the two alarming colours of 三色管理; blue is "normal" and never a warning. */
export const WARNING_COLOURS = ['yellow', 'red'] as const;
export const WarningColour = z.enum(WARNING_COLOURS);
export type WarningColour = z.infer<typeof WarningColour>;

export const WARNING_STATUSES = ['raised', 'acknowledged', 'resolved'] as const;
export const WarningStatus = z.enum(WARNING_STATUSES);
export type WarningStatus = z.infer<typeof WarningStatus>;

export interface Warning {
  /** Deterministic from rule + subject + episode start: recomputing from the same events gives the same id. */
  id: string;
  rule: RuleId;
  colour: WarningColour;
  /** Grid id, town code or county code: where the wall places it. */
  regionCode: string;
  /**
   * What the warning is about, safe to show: a grid id, case id, call id, category or town
   * code. Never a caller hash or anything naming a person (repeat-caller warnings name the grid).
   */
  subject: string;
  /** Plain Chinese, e.g. "秦东镇 第3网格 近1小时接警 9 起，为同期均值的 4.5 倍". No names, phones or addresses. */
  reason: string;
  /** Ids of the events behind it (call ids, alert ids, case ids), newest last, bounded. */
  evidence: string[];
  /** The numbers the reason quotes (count, baseline, ratio, limits…), so the wall can trace it. */
  figures: Record<string, number>;
  /** Event time the episode began, ms. */
  raisedAt: number;
  /** Event time of the last change (colour, figures, resolution), ms. */
  updatedAt: number;
  status: WarningStatus;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

export type WarningChangeKind = 'raised' | 'updated' | 'resolved';
/** One step of a warning's life; `warning` is a snapshot as of this change. */
export interface WarningChange { kind: WarningChangeKind; warning: Warning }
