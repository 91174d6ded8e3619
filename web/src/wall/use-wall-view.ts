'use client';
/**
 * This screen's own view from its address (`?layers=&heat=&rotate=`, parsed by config's
 * WallViewParams): which layers, which heat mode, and the rotation between heat modes. The
 * rotation steps only while nobody is at the controls, so it never snatches a mode someone chose.
 */
import { useEffect, useMemo, useState } from 'react';
import { parseWallView, type HeatSpec, type WallView } from '@watchfloor/config/wall';
import { WALL_LAYERS } from '../map/layers';

export interface WallViewState {
  heat: HeatSpec;
  setHeat: (h: HeatSpec) => void;
  layers: Record<string, boolean>;
  setLayers: (v: Record<string, boolean>) => void;
  view: WallView;
}

function initialLayers(view: WallView): Record<string, boolean> {
  // Layers with no toggle (labels, the console's selection) are always on.
  return Object.fromEntries(WALL_LAYERS.map((l) => [l.id, !l.label ? l.defaultVisible : view.layers ? view.layers.includes(l.id) : l.defaultVisible]));
}

export function useWallView(controlsShown: boolean): WallViewState {
  const view = useMemo(() => parseWallView(window.location.search), []);
  const [heat, setHeat] = useState<HeatSpec>(view.heat[0]!);
  const [layers, setLayers] = useState(() => initialLayers(view));
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (view.rotateMs === null || view.heat.length < 2 || controlsShown) return;
    const t = setInterval(() => setStep((i) => i + 1), view.rotateMs);
    return () => clearInterval(t);
  }, [view, controlsShown]);
  useEffect(() => { if (step > 0) setHeat(view.heat[step % view.heat.length]!); }, [step, view]);
  return { heat, setHeat, layers, setLayers, view };
}
