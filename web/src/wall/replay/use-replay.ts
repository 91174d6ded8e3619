'use client';
/**
 * The browser end of replay: a clock over a past range that feeds the same reducer as the
 * live feed. A seek loads the wall as it stood at that moment (/api/replay/frame, with its
 * download progress); playing applies the stored deltas in order as the clock passes their
 * event time, fetched a chunk ahead of the clock (/api/replay/deltas), and slides the
 * windows to the clock (advanceTo). When the chunk ahead is late the clock waits rather than
 * showing a moment whose events are not in yet.
 * Manual (the video export): no clock of its own; `stepTo(t)` sets the replayed moment and
 * resolves once the state as of t is the view's, loading what it needs first, so a frame
 * never shows a moment whose events are missing.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  KEYFRAME_EVERY_MS, MAX_DELTA_SPAN_MS, advanceTo, apply,
  type ReplayDeltas, type ReplayFrame, type ReplayRange, type ReplaySpeed, type WallDelta, type WallState,
} from '@watchfloor/config/wall';
import { fetchJson } from './fetch-json';

export interface ReplayView {
  active: boolean;
  range: ReplayRange | null;
  /** The replayed moment, ms. */
  t: number;
  speed: ReplaySpeed;
  playing: boolean;
  state: WallState | null;
  /** A seek loading: the share arrived (null: size unknown); null when nothing loads. */
  loading: { progress: number | null } | null;
  /** Playing, waiting for the deltas ahead of the clock. */
  buffering: boolean;
  error: string | null;
  /** Changes with every seek: what keeps its own memory of "newest seen" (the feed) starts over. */
  seekGen: number;
}

export interface ReplayControls {
  open(range: ReplayRange, at?: number): void;
  seek(t: number): void;
  play(): void;
  pause(): void;
  setSpeed(x: ReplaySpeed): void;
  /** Moves the clock by `ms` (negative: back), keeping play or pause. */
  move(ms: number): void;
  exit(): void;
  /** Manual mode: the wall at t, resolved once the view holds it (a moment before the current one reloads). */
  stepTo(t: number): Promise<number>;
}

const TICK_MS = 100;
/** How much wall time of deltas to hold ahead of the clock. */
const AHEAD_WALL_MS = 20_000;

interface Inner {
  active: boolean; range: ReplayRange | null; t: number; speed: ReplaySpeed; playing: boolean; state: WallState | null;
  loading: { progress: number | null } | null; buffering: boolean; error: string | null;
  buffer: WallDelta[]; next: number; bufferedTo: number; fetching: boolean; gen: number; abort: AbortController | null; lastTick: number;
}

export function useReplay(token: string, tz: string, manual = false): [ReplayView, ReplayControls] {
  const r = useRef<Inner>({
    active: false, range: null, t: 0, speed: 60, playing: false, state: null, loading: null, buffering: false, error: null,
    buffer: [], next: 0, bufferedTo: 0, fetching: false, gen: 0, abort: null, lastTick: 0,
  });
  const snapshot = (): ReplayView => {
    const x = r.current;
    return { active: x.active, range: x.range, t: x.t, speed: x.speed, playing: x.playing, state: x.state, loading: x.loading, buffering: x.buffering, error: x.error, seekGen: x.gen };
  };
  const [view, setView] = useState<ReplayView>(snapshot);
  const frame = useRef(0);
  const render = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => { frame.current = 0; setView(snapshot()); });
  }, []);

  const prefetch = useCallback(() => {
    const x = r.current;
    if (manual) return;
    if (!x.active || !x.range || !x.state || x.loading || x.fetching || x.bufferedTo >= x.range.to) return;
    if (x.bufferedTo - x.t > Math.max(KEYFRAME_EVERY_MS, x.speed * AHEAD_WALL_MS)) return;
    const from = x.bufferedTo;
    const span = Math.min(MAX_DELTA_SPAN_MS, Math.max(KEYFRAME_EVERY_MS, x.speed * 2 * AHEAD_WALL_MS));
    const to = Math.min(from + span, x.range.to);
    const gen = x.gen;
    x.fetching = true;
    fetchJson<ReplayDeltas>(`/api/replay/deltas?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`, token, x.abort!.signal)
      .then((body) => {
        if (gen !== x.gen) return;
        x.buffer = x.buffer.slice(x.next).concat(body.deltas);
        x.next = 0;
        x.bufferedTo = body.to;
        x.error = null;
      })
      .catch(() => { if (gen === x.gen) x.error = 'deltas'; })
      .finally(() => {
        if (gen !== x.gen) return;
        // A failed chunk is asked again at the next tick's prefetch, after a pause.
        if (x.error) setTimeout(() => { if (gen === x.gen) { x.fetching = false; prefetch(); } }, 2000);
        else { x.fetching = false; prefetch(); }
        render();
      });
  }, [token, render, manual]);

  const seek = useCallback((t0: number) => {
    const x = r.current;
    if (!x.range) return;
    const t = Math.max(x.range.from, Math.min(x.range.to, Math.round(t0)));
    x.abort?.abort();
    const abort = new AbortController();
    const gen = ++x.gen;
    Object.assign(x, { abort, t, loading: { progress: 0 }, buffering: false, buffer: [], next: 0, bufferedTo: t, fetching: false, error: null });
    render();
    const load = () => fetchJson<ReplayFrame>(`/api/replay/frame?at=${new Date(t).toISOString()}`, token, abort.signal, (progress) => {
      if (gen !== x.gen) return;
      x.loading = { progress };
      render();
    }).then((f) => {
      if (gen !== x.gen) return;
      x.state = f.state;
      x.loading = null;
      x.error = null;
      x.lastTick = performance.now();
      render();
      prefetch();
    }).catch(() => {
      if (gen !== x.gen || abort.signal.aborted) return;
      x.error = 'frame';
      render();
      setTimeout(() => { if (gen === x.gen) void load(); }, 2000);
    });
    void load();
  }, [token, render, prefetch]);

  const controls = useMemo<ReplayControls>(() => ({
    open(range, at) {
      const x = r.current;
      Object.assign(x, { active: true, range, playing: false, state: null });
      if (manual) { x.t = at ?? range.from; render(); return; }
      seek(at ?? range.from);
    },
    async stepTo(t0) {
      const x = r.current;
      const range = x.range;
      if (!range) throw new Error('no replay open');
      const t = Math.max(range.from, Math.min(range.to, Math.round(t0)));
      const gen = x.gen;
      x.abort ??= new AbortController();
      const signal = x.abort.signal;
      if (!x.state || t < x.t) {
        const f = await fetchJson<ReplayFrame>(`/api/replay/frame?at=${new Date(t).toISOString()}`, token, signal);
        if (gen !== x.gen) return x.t;
        Object.assign(x, { state: f.state, t, buffer: [], next: 0, bufferedTo: t, loading: null, error: null });
      }
      while (x.bufferedTo < t) {
        const to = Math.min(x.bufferedTo + MAX_DELTA_SPAN_MS, range.to);
        const body = await fetchJson<ReplayDeltas>(`/api/replay/deltas?from=${new Date(x.bufferedTo).toISOString()}&to=${new Date(to).toISOString()}`, token, signal);
        if (gen !== x.gen) return x.t;
        x.buffer = x.buffer.slice(x.next).concat(body.deltas);
        x.next = 0;
        x.bufferedTo = body.to;
      }
      let s = x.state!;
      while (x.next < x.buffer.length && x.buffer[x.next]!.at <= t) s = apply(s, x.buffer[x.next++]!, tz);
      x.state = advanceTo(s, t);
      x.t = t;
      setView(snapshot());
      return t;
    },
    seek,
    play() {
      const x = r.current;
      if (!x.range) return;
      if (x.t >= x.range.to) seek(x.range.from);
      x.playing = true;
      x.lastTick = performance.now();
      prefetch();
      render();
    },
    pause() { r.current.playing = false; r.current.buffering = false; render(); },
    setSpeed(s) { r.current.speed = s; prefetch(); render(); },
    move(ms) { seek(r.current.t + ms); },
    exit() {
      const x = r.current;
      x.abort?.abort();
      Object.assign(x, { active: false, range: null, playing: false, state: null, loading: null, buffering: false, error: null, buffer: [], next: 0, fetching: false, gen: x.gen + 1 });
      render();
    },
  }), [seek, prefetch, render, manual, token, tz]);

  useEffect(() => {
    const timer = setInterval(() => {
      const x = r.current;
      const wall = performance.now();
      const dt = wall - x.lastTick;
      x.lastTick = wall;
      if (manual || !x.active || !x.range || !x.playing || x.loading || !x.state) return;
      let target = Math.min(x.t + dt * x.speed, x.range.to);
      x.buffering = target > x.bufferedTo;
      if (x.buffering) target = x.bufferedTo;
      let s = x.state;
      while (x.next < x.buffer.length && x.buffer[x.next]!.at <= target) s = apply(s, x.buffer[x.next++]!, tz);
      x.state = advanceTo(s, Math.max(x.t, target));
      x.t = Math.max(x.t, target);
      if (x.t >= x.range.to) x.playing = false;
      prefetch();
      render();
    }, TICK_MS);
    return () => {
      clearInterval(timer);
      if (frame.current) cancelAnimationFrame(frame.current);
      r.current.abort?.abort();
    };
  }, [tz, prefetch, render, manual]);

  return [view, controls];
}
