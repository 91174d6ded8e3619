'use client';
/**
 * Kiosk by default: an unattended wall shows no buttons or checkboxes. A moved pointer (or a
 * key, a touch) shows the map's controls; CONTROLS_SHOWN_MS after the last one they fade again.
 */
import { useEffect, useState } from 'react';
import { CONTROLS_SHOWN_MS } from '@watchfloor/config/wall';

export function useControlsShown(): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const wake = () => {
      setShown(true);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setShown(false), CONTROLS_SHOWN_MS);
    };
    const events = ['pointermove', 'pointerdown', 'keydown', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, wake, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, wake);
      if (timer) clearTimeout(timer);
    };
  }, []);
  return shown;
}
