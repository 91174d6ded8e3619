'use client';
/**
 * A new red warning is announced: its card is highlighted and the map flies to its area for
 * WARNING_ANNOUNCE_MS, then returns. "New" means raised (or turned red) after this wall had
 * its first state: a reload must not re-announce everything already open. Of several at once
 * the first and the newest are announced, one after the other.
 */
import { useEffect, useRef, useState } from 'react';
import { WARNING_ANNOUNCE_MS, type WallWarning } from '@watchfloor/config/wall';
import { geometryBBox } from '@watchfloor/config/region/geometry';
import type { RegionData } from './region-data';

export function useRedAnnouncer(warnings: Record<string, WallWarning> | null, enabled: boolean): WallWarning | null {
  const seen = useRef<Set<string> | null>(null);
  const queue = useRef<WallWarning[]>([]);
  const [current, setCurrent] = useState<WallWarning | null>(null);

  useEffect(() => {
    if (!warnings || !enabled) { seen.current = null; queue.current = []; return; }
    if (seen.current === null) { seen.current = new Set(); newlyRed(seen.current, warnings); return; }
    queue.current.push(...newlyRed(seen.current, warnings));
    // A burst is not a slide show: beyond the one on screen, only the newest waits its turn (the rest are on the list, red first).
    if (queue.current.length > 1) queue.current = queue.current.slice(-1);
    if (!current && queue.current.length) setCurrent(queue.current.shift()!);
  }, [warnings, enabled, current]);

  useEffect(() => {
    if (!current) return;
    const t = setTimeout(() => setCurrent(queue.current.shift() ?? null), WARNING_ANNOUNCE_MS);
    return () => clearTimeout(t);
  }, [current]);

  useEffect(() => { if (!enabled) setCurrent(null); }, [enabled]);
  return current;
}

/**
 * The red warnings of `warnings` not announced yet, oldest first; `seen` (the ids already red
 * when this wall looked) learns them. It forgets the ids no longer listed (resolved), so on a
 * wall that runs for months it stays as small as the list instead of keeping every red warning
 * ever raised; an id does not come back once resolved.
 */
export function newlyRed(seen: Set<string>, warnings: Record<string, WallWarning>): WallWarning[] {
  for (const id of seen) if (!Object.hasOwn(warnings, id)) seen.delete(id);
  const fresh = Object.values(warnings).filter((w) => w.colour === 'red' && !seen.has(w.id)).sort((a, b) => a.raisedAt - b.raisedAt);
  for (const w of fresh) seen.add(w.id);
  return fresh;
}

/** Where a warning is, in words: a grid (with its village), a town, or the county. */
export function placeOf(code: string, region: RegionData, countyWide: string): string {
  return region.gridName.get(code) ?? region.townName.get(code) ?? countyWide;
}

/** The box of a warning's area: its grid or town; the county's for a county-wide one. */
export function bboxOfRegion(code: string, region: RegionData): [number, number, number, number] {
  const f = region.grids.features.find((x) => x.properties.code === code) ?? region.towns.features.find((x) => x.properties.code === code);
  return f ? geometryBBox(f.geometry) : region.meta.bbox;
}
