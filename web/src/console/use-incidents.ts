'use client';
/**
 * The incidents of the last 24 h from GET /api/incidents, fetched again whenever the live
 * feed's incidents change (a new call, a state moved on: the reducer replaces the list then),
 * at most once per REFETCH_MIN_MS, and every POLL_MS in case the feed is down. An answer the
 * console already holds (an assignment's, a conflict's current state) is merged at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncidentView } from '@watchfloor/config/dispatch';
import type { WallCall } from '@watchfloor/config/wall';
import { fetchIncidents } from './api';

const REFETCH_MIN_MS = 300;
const POLL_MS = 10_000;

export interface Incidents {
  list: IncidentView[];
  /** Takes an incident as the server just answered it (a newer version wins). */
  merge: (i: IncidentView) => void;
  refresh: () => void;
}

export function useIncidents(liveCalls: readonly WallCall[] | null): Incidents {
  const [list, setList] = useState<IncidentView[]>([]);
  // One fetch at a time; a change during one is fetched right after it.
  const loader = useRef<{ inFlight: boolean; again: boolean; lastAt: number; timer: ReturnType<typeof setTimeout> | null }>({ inFlight: false, again: false, lastAt: 0, timer: null });

  const refresh = useCallback(() => {
    const l = loader.current;
    if (l.inFlight) { l.again = true; return; }
    if (l.timer) return;
    const load = () => {
      l.timer = null;
      l.inFlight = true;
      l.lastAt = Date.now();
      fetchIncidents()
        .then((rows) => setList((prev) => {
          // An answer merged while this fetch was under way may be newer than what it read.
          const held = new Map(prev.map((i) => [i.id, i]));
          return rows.map((r) => { const h = held.get(r.id); return h && h.version > r.version ? h : r; });
        }))
        .catch(() => undefined) // the next change or poll tries again
        .finally(() => {
          l.inFlight = false;
          if (l.again) { l.again = false; refresh(); }
        });
    };
    l.timer = setTimeout(load, Math.max(0, l.lastAt + REFETCH_MIN_MS - Date.now()));
  }, []);

  useEffect(() => { refresh(); }, [liveCalls, refresh]);
  useEffect(() => {
    const t = setInterval(refresh, POLL_MS);
    return () => { clearInterval(t); if (loader.current.timer) clearTimeout(loader.current.timer); loader.current.timer = null; };
  }, [refresh]);

  const merge = useCallback((i: IncidentView) => {
    setList((l) => {
      const k = l.findIndex((x) => x.id === i.id);
      if (k < 0) return [i, ...l];
      if (l[k]!.version > i.version) return l;
      const out = l.slice();
      out[k] = i;
      return out;
    });
  }, []);

  return { list, merge, refresh };
}
