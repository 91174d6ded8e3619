/**
 * The wall's colours. Colour carries meaning only (DESIGN.md §6): the centers' own
 * red / yellow / blue for risk, warnings and call priority; one sequential ramp for heat;
 * status colours for units. Nothing is red for decoration.
 */
import type { Risk, UnitStatusCode } from '@watchfloor/config/contracts';

export type RGBA = [number, number, number, number];

export const ground = '#050d24';
export const panelBg = 'rgba(9, 28, 66, 0.72)';
export const panelBorder = 'rgba(64, 156, 255, 0.45)';
export const text = '#dbe7ff';
export const textDim = '#8fa6cc';
export const accent = '#4fc3ff';

export const RISK: Record<Risk, RGBA> = { red: [255, 72, 72, 255], yellow: [255, 196, 40, 255], blue: [64, 150, 255, 255] };
export const riskCss = (r: Risk) => `rgb(${RISK[r].slice(0, 3).join(',')})`;
/** Call priority 1/2/3 uses the same three colours: most urgent is red. */
export const PRIORITY: Record<number, RGBA> = { 1: RISK.red, 2: RISK.yellow, 3: RISK.blue };

export const UNIT: Record<UnitStatusCode, RGBA> = {
  available: [64, 220, 140, 255], dispatched: [255, 160, 64, 255], en_route: [255, 160, 64, 255],
  on_scene: [200, 120, 255, 255], busy: [160, 160, 200, 255], off_duty: [90, 100, 120, 200],
};

/** Camera states on the map: online (dim), alerting in the last hour (the warning yellow), offline (grey). */
export const CAMERA: Record<'online' | 'alerting' | 'offline', RGBA> = { online: [100, 190, 255, 120], alerting: RISK.yellow, offline: [120, 130, 150, 200] };

export const rgbaCss = (c: RGBA) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] / 255).toFixed(2)})`;
/** Fully opaque, for legend swatches: a faint map fill would be unreadable as a small chip. */
export const rgbCss = (c: RGBA) => `rgb(${c[0]},${c[1]},${c[2]})`;

/** Sequential heat ramp (dark blue → cyan → white) for choropleths: no red, so heat never reads as a warning. */
const RAMP: RGBA[] = [[12, 34, 80, 150], [20, 80, 160, 170], [30, 140, 210, 190], [80, 200, 240, 210], [190, 240, 255, 230]];

export function heat(value: number, max: number): RGBA {
  if (!(max > 0) || value <= 0) return [10, 26, 60, 90];
  const x = Math.min(1, value / max) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  return [0, 1, 2, 3].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as RGBA;
}
