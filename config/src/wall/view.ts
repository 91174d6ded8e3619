/**
 * What one wall screen shows, from its address: `/wall?layers=…&heat=…&rotate=…`, so each
 * screen of a video wall keeps its own view across reloads with nobody at a keyboard.
 *  - `layers=incidents,units,cameras` — the map layers shown (unknown ids are ignored by the page);
 *  - `heat=calls-24h-count` — the choropleth: source-window-metric; several, comma-separated,
 *    are the modes a rotation steps through (the first is shown first);
 *  - `rotate=60` — step to the next heat mode every 60 s (all modes when `heat` names only one).
 * A malformed value is dropped, never fatal: the wall must come up whatever was typed.
 */
import { z } from 'zod';

export const HEAT_SOURCES = ['calls', 'alerts', 'cases'] as const;
export const HEAT_WINDOWS = ['1h', '24h', '7d'] as const;
export const HEAT_METRICS = ['count', 'rate'] as const;
export type HeatSource = (typeof HEAT_SOURCES)[number];
export type HeatWindow = (typeof HEAT_WINDOWS)[number];
export type HeatMetric = (typeof HEAT_METRICS)[number];
export interface HeatSpec { source: HeatSource; window: HeatWindow; metric: HeatMetric }

/** The choropleth's modes, in the order the map offers them (alerts and cases have one window each). */
export const HEAT_MODES: readonly { source: HeatSource; window: HeatWindow }[] = [
  { source: 'calls', window: '1h' }, { source: 'calls', window: '24h' }, { source: 'calls', window: '7d' },
  { source: 'alerts', window: '24h' }, { source: 'cases', window: '24h' },
];

export const DEFAULT_HEAT: HeatSpec = { source: 'calls', window: '24h', metric: 'count' };

/** The slowest a rotation may step: a mode must stay long enough to be read from the back of the room. */
export const ROTATE_MIN_SECONDS = 15;
export const ROTATE_MAX_SECONDS = 3600;

/** An unattended wall hides its map controls; a moved pointer shows them for this long. */
export const CONTROLS_SHOWN_MS = 10_000;

/** 预警信息 pages at this pace: a card of place, rule and full reason read twice over. */
export const WARNING_PAGE_MS = 8_000;
/** How long a new red warning holds the map on its area (and the card highlighted) before the map returns. */
export const WARNING_ANNOUNCE_MS = 8_000;

const HeatToken = z.string().transform((t, ctx): HeatSpec => {
  const [source, window, metric = 'count'] = t.split('-');
  const s = z.enum(HEAT_SOURCES).safeParse(source);
  const w = z.enum(HEAT_WINDOWS).safeParse(window);
  const m = z.enum(HEAT_METRICS).safeParse(metric);
  if (!s.success || !w.success || !m.success || !HEAT_MODES.some((x) => x.source === s.data && x.window === w.data)) {
    ctx.addIssue({ code: 'custom', message: `heat ${t}` });
    return z.NEVER;
  }
  return { source: s.data, window: w.data, metric: m.data };
});

const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

export const WallViewParams = z.object({
  layers: z.string().max(500).transform(list).pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]{0,40}$/)).max(20)).optional().catch(undefined),
  heat: z.string().max(500).transform(list).pipe(z.array(HeatToken).min(1).max(20)).optional().catch(undefined),
  rotate: z.coerce.number().int().min(ROTATE_MIN_SECONDS).max(ROTATE_MAX_SECONDS).optional().catch(undefined),
});

export interface WallView {
  /** Layer ids to show; null = the map's defaults. */
  layers: string[] | null;
  /** The heat modes: the first shown, the rest what a rotation steps through. */
  heat: HeatSpec[];
  /** Rotation period, ms; null = no rotation. */
  rotateMs: number | null;
}

export function parseWallView(search: URLSearchParams | string): WallView {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const raw = Object.fromEntries(['layers', 'heat', 'rotate'].flatMap((k) => (q.get(k) === null ? [] : [[k, q.get(k)!]])));
  const p = WallViewParams.parse(raw);
  const heat = p.heat ?? [DEFAULT_HEAT];
  const rotateMs = p.rotate === undefined ? null : p.rotate * 1000;
  // Rotating with one mode named: step through every mode, in that mode's metric, starting from it.
  const modes = rotateMs !== null && heat.length === 1
    ? [...HEAT_MODES.slice(HEAT_MODES.findIndex((m) => m.source === heat[0]!.source && m.window === heat[0]!.window)), ...HEAT_MODES]
      .slice(0, HEAT_MODES.length).map((m) => ({ ...m, metric: heat[0]!.metric }))
    : heat;
  return { layers: p.layers ?? null, heat: modes, rotateMs };
}

/** The heat mode as the address spells it. */
export const heatToken = (h: HeatSpec) => `${h.source}-${h.window}-${h.metric}`;
