'use client';
/** A headline number that counts to its new value; fixed-width tabular digits, so nothing re-lays out. */
import { useEffect, useRef, useState } from 'react';
import { useStill } from '../wall/still';

export default function AnimatedNumber({ value, digits = 0, suffix = '', testId }: { value: number | null; digits?: number; suffix?: string; testId?: string }) {
  const still = useStill();
  const [tweened, setShown] = useState(value ?? 0);
  const shown = still ? value ?? 0 : tweened;
  const from = useRef(value ?? 0);
  useEffect(() => {
    if (value === null) return;
    const start = performance.now();
    const a = from.current;
    let raf = 0;
    const step = (t: number) => {
      const k = Math.min(1, (t - start) / 600);
      const v = a + (value - a) * (1 - (1 - k) ** 3);
      setShown(v);
      if (k < 1) raf = requestAnimationFrame(step);
      else from.current = value;
    };
    raf = requestAnimationFrame(step);
    return () => { cancelAnimationFrame(raf); from.current = value; };
  }, [value]);
  return <span className="num" data-testid={testId} data-value={value ?? ''}>{value === null ? '—' : `${shown.toFixed(digits)}${suffix}`}</span>;
}
