'use client';
/**
 * The wall is designed on a 1920×1080 canvas. A 16:9 screen (3840×2160, a laptop) scales it
 * whole. A screen of another shape keeps the design's pixel size for everything but the map:
 * wider than 16:9 (3840×1080, 5760×2160, 7680×2160, 6656×1792 video walls) the design grows
 * wider, taller than 16:9 it grows taller, and the extra room goes to the map while the panel
 * columns keep their size and text — no letterbox bands. Panels are scaled with a CSS
 * transform; canvases render at the scaled pixel size (see WallMap and EChart) so nothing is
 * blurred by the transform. The briefing pages, fixed-size by nature, keep the letterboxed fit.
 */
import { useEffect, useState } from 'react';

export const DESIGN_W = 1920;
export const DESIGN_H = 1080;

export interface Fit { scale: number; left: number; top: number; dpr: number }
/** `width` × `height`: the design canvas in design pixels (≥ 1920×1080), filling the screen at `scale`. */
export interface WallFit extends Fit { width: number; height: number }

function compute(): Fit {
  const w = window.innerWidth;
  const h = window.innerHeight;
  const scale = Math.min(w / DESIGN_W, h / DESIGN_H);
  return { scale, left: Math.round((w - DESIGN_W * scale) / 2), top: Math.round((h - DESIGN_H * scale) / 2), dpr: window.devicePixelRatio || 1 };
}

/** The wall's fit to a screen of `w` × `h` CSS pixels: the design's short side fills the screen's, the long side stretches. */
export function wallFit(w: number, h: number, dpr = 1): WallFit {
  const scale = Math.min(w / DESIGN_W, h / DESIGN_H);
  // Floor to whole design pixels so the canvas never spills a pixel past the screen's edge.
  const width = Math.max(DESIGN_W, Math.floor(w / scale));
  const height = Math.max(DESIGN_H, Math.floor(h / scale));
  return { scale, width, height, left: Math.round((w - width * scale) / 2), top: Math.round((h - height * scale) / 2), dpr };
}

export function useScreenFit(): Fit {
  const [fit, setFit] = useState<Fit>({ scale: 1, left: 0, top: 0, dpr: 1 });
  useEffect(() => {
    const update = () => setFit(compute());
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return fit;
}

export function useWallFit(): WallFit {
  const [fit, setFit] = useState<WallFit>(() => wallFit(DESIGN_W, DESIGN_H));
  useEffect(() => {
    const update = () => setFit(wallFit(window.innerWidth, window.innerHeight, window.devicePixelRatio || 1));
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return fit;
}
