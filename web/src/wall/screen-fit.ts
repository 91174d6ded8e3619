'use client';
/**
 * The wall is designed on a 1920×1080 canvas and scaled to whatever screen it is on
 * (3840×2160, 5760×1080 video walls, a laptop), letterboxed, never cropped. Panels are
 * scaled with a CSS transform; canvases render at the scaled pixel size (see WallMap and
 * EChart) so nothing is blurred by the transform.
 */
import { useEffect, useState } from 'react';

export const DESIGN_W = 1920;
export const DESIGN_H = 1080;

export interface Fit { scale: number; left: number; top: number; dpr: number }

function compute(): Fit {
  const w = window.innerWidth;
  const h = window.innerHeight;
  const scale = Math.min(w / DESIGN_W, h / DESIGN_H);
  return { scale, left: Math.round((w - DESIGN_W * scale) / 2), top: Math.round((h - DESIGN_H * scale) / 2), dpr: window.devicePixelRatio || 1 };
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
