/**
 * Where the wall's main-thread time goes, for the benchmark's report: during a window with
 * the load still on, a Chromium trace of the page (every main-thread task with what started
 * it: socket message, timer, animation frame, React's scheduler) and a V8 CPU profile (which
 * code ran). The page's bundle is minified, so profile samples are attributed to the module
 * that contains them: Turbopack chunks are `[id, factory, id, factory…]` lists, and each
 * module is recognised by strings it contains (bench/lib/wall-modules.ts).
 */
import fs from 'node:fs';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { attributeProfile, type CpuProfile, type ProfileSummary } from './wall-modules';

export interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: Record<string, any> }

export interface TaskSummary {
  seconds: number;
  tasks: number;
  busyMs: number;
  taskMs: { p50: number; p90: number; p99: number; max: number };
  /** Main-thread task time by what started the task. */
  byTrigger: { trigger: string; ms: number; count: number; pct: number }[];
  /** Time inside tasks spent on GC, style, layout, paint, compositing work. */
  phases: Record<string, number>;
  /** Frames the page's main thread produced (BeginMainFrame) and React commits of new wall state seen. */
  frames: number;
}

export interface PerUnit {
  deltas: number;
  /** React commits that rendered a new wall state (data-seq changed). */
  commits: number;
  /** All React commits (the 80 ms pulse clock, number animations, timers, new state). */
  reactCommits: number;
  frames: number;
  /** Main-thread ms in socket message tasks (socket.io parsing + the reducer) per delta. */
  socketMsPerDelta: number;
  /** React scheduler work (render + commit) per React commit. */
  reactMsPerCommit: number;
  /** Frame tasks (rAF callbacks: maplibre + deck.gl layer updates and draw calls; style, layout, paint) per frame. */
  frameMs: number;
}

export interface Diagnosis {
  lines: string[];
  tasks: TaskSummary | null;
  profile: ProfileSummary | null;
  perUnit: PerUnit | null;
}

function perUnit(tasks: TaskSummary | null, deltas: number, commits: number, reactCommits: number): PerUnit | null {
  if (!tasks) return null;
  const ms = (re: RegExp) => tasks.byTrigger.filter((t) => re.test(t.trigger)).reduce((a, t) => a + t.ms, 0);
  return {
    deltas, commits, reactCommits, frames: tasks.frames,
    socketMsPerDelta: deltas ? ms(/^WebSocket/) / deltas : Number.NaN,
    reactMsPerCommit: reactCommits ? ms(/^React/) / reactCommits : Number.NaN,
    frameMs: tasks.frames ? ms(/^frame:/) / tasks.frames : Number.NaN,
  };
}

const TRACE_CATEGORIES = [
  '-*', 'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing',
];

const pctl = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : 0;
};

/** What started a main-thread task, from the task's posting site and what ran inside it. */
function classify(task: TraceEvent, children: TraceEvent[], timers: Map<number, string>, isReact: (url: string) => boolean): string {
  const posted = [task, ...children.filter((c) => c.ts === task.ts && c.name.endsWith('RunTask'))].map((e) => `${e.args?.src_file ?? ''} ${e.args?.src_func ?? ''}`).join(' ');
  const mojo = children.map((c) => c.args?.chrome_mojo_event_info).filter(Boolean).map((i) => `${i.mojo_interface_tag ?? ''} ${i.watcher_notify_interface_tag ?? ''}`).join(' ');
  const has = (n: string) => children.some((c) => c.name === n);
  if (/ScheduledActionSendBeginMainFrame|BeginMainFrame/.test(posted) || has('FireAnimationFrame') || has('BeginMainThreadFrame')) return 'frame: rAF callbacks (map/deck.gl draw) + style, layout, paint';
  const timer = children.find((c) => c.name === 'TimerFire');
  if (timer) return `timer ${timers.get(timer.args?.data?.timerId) ?? 'once'}`;
  if (/DevToolsSession|DevTools/.test(mojo) || has('CpuProfiler::StartProfiling')) return 'DevTools (the benchmark\'s own probes)';
  if (/WebSocket|websocket/.test(mojo)) return 'WebSocket messages (socket.io + reducer)';
  const call = children.find((c) => c.name === 'FunctionCall');
  if (call && isReact(String(call.args?.data?.url ?? ''))) return 'React scheduler work (render + commit)';
  if (children.some((c) => c.name === 'EventDispatch' && /^(transition|animation)/.test(String(c.args?.data?.type ?? '')))) return 'CSS transition/animation events';
  if (/v8\/src\/heap|global-handles/.test(posted) || has('MinorGC') || has('MajorGC')) return 'garbage collection';
  if (call) return `script ${String(call.args?.data?.functionName || '(anonymous)')}`;
  return 'other';
}

export function summariseTrace(events: TraceEvent[], isReact: (url: string) => boolean = () => false, window: { from: number; to: number } | null = null): TaskSummary | null {
  // The page's renderer main thread: the CrRendererMain with the most tasks.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  let best: { pid: number; tid: number; n: number } | null = null;
  for (const m of mains) {
    const n = events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X').length;
    if (!best || n > best.n) best = { pid: m.pid, tid: m.tid, n };
  }
  if (!best) return null;
  const own = events.filter((e) => e.pid === best!.pid && e.tid === best!.tid && e.ph === 'X' && typeof e.dur === 'number').sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const from = window?.from ?? own[0]?.ts ?? 0;
  const to = window?.to ?? (own.at(-1) ? own.at(-1)!.ts + own.at(-1)!.dur! : 0);
  const top = own.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.ts >= from && e.ts < to);
  // Nested RunTask (toplevel + devtools.timeline both record one): keep the outermost.
  const tasks: TraceEvent[] = [];
  for (const t of top) {
    const last = tasks.at(-1);
    if (last && t.ts < last.ts + last.dur!) continue;
    tasks.push(t);
  }
  // Interval timers are named by how often they fire.
  const fires = new Map<number, number[]>();
  for (const e of own) if (e.name === 'TimerFire') (fires.get(e.args?.data?.timerId) ?? fires.set(e.args?.data?.timerId, []).get(e.args?.data?.timerId)!).push(e.ts);
  const timers = new Map<number, string>();
  for (const [id, ts] of fires) {
    if (ts.length < 3) continue;
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    timers.set(id, `~${Math.round(pctl(gaps, 50) / 1000)} ms interval`);
  }
  const byTrigger = new Map<string, { ms: number; count: number }>();
  const phases: Record<string, number> = {};
  const phaseOf: Record<string, string> = {
    MinorGC: 'gc', MajorGC: 'gc', 'V8.GC_SCAVENGER': 'gc', 'V8.GC_MARK_COMPACTOR': 'gc', 'BlinkGC.AtomicPhase': 'gc',
    UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'paint', Paint: 'paint', Layerize: 'paint', Commit: 'commit',
    FireAnimationFrame: 'rAF callbacks', TimerFire: 'timers', EventDispatch: 'events', FunctionCall: 'function calls',
  };
  let frames = 0;
  let j = 0;
  for (const t of tasks) {
    const end = t.ts + t.dur!;
    while (j < own.length && own[j]!.ts < t.ts) j++;
    const children: TraceEvent[] = [];
    for (let k = j; k < own.length && own[k]!.ts < end; k++) if (own[k] !== t) children.push(own[k]!);
    const trig = classify(t, children, timers, isReact);
    const e = byTrigger.get(trig) ?? { ms: 0, count: 0 };
    e.ms += t.dur! / 1000;
    e.count++;
    byTrigger.set(trig, e);
    // Phases: outermost occurrence of each kind only (nested same-kind events would double count).
    const seenUntil: Record<string, number> = {};
    for (const c of children) {
      const ph = phaseOf[c.name];
      if (!ph) continue;
      if ((seenUntil[ph] ?? 0) > c.ts) continue;
      seenUntil[ph] = c.ts + c.dur!;
      phases[ph] = (phases[ph] ?? 0) + c.dur! / 1000;
    }
    if (trig.startsWith('frame:')) frames++;
  }
  const busyMs = tasks.reduce((a, t) => a + t.dur! / 1000, 0);
  const durs = tasks.map((t) => t.dur! / 1000);
  return {
    seconds: (to - from) / 1e6, tasks: tasks.length, busyMs,
    taskMs: { p50: pctl(durs, 50), p90: pctl(durs, 90), p99: pctl(durs, 99), max: pctl(durs, 100) },
    byTrigger: [...byTrigger.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([trigger, v]) => ({ trigger, ms: v.ms, count: v.count, pct: (v.ms / busyMs) * 100 })),
    phases, frames,
  };
}

/**
 * Records `seconds` of trace and CPU profile of `page` (load running), and summarises both.
 * With BENCH_DIAG_DIR set, the raw trace, profile and page scripts are kept there.
 */
/**
 * The page's scripts, fetched once while the page is fresh: a rebuild of the web pages during
 * a long run (another `npm start` in the same tree) would otherwise leave nothing to attribute.
 */
export async function pageScripts(page: Page): Promise<Map<string, string>> {
  const urls = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script').map((e) => e.name)`)) as string[];
  const out = new Map<string, string>();
  for (const u of urls) {
    if (!u.endsWith('.js')) continue;
    const r = await fetch(u);
    if (r.ok) out.set(u, await r.text());
  }
  return out;
}

export async function diagnose(browser: Browser, page: Page, cdp: CDPSession, scripts: Map<string, string>, seconds: number, counted: () => Promise<{ deltas: number; commits: number; reactCommits: number }>): Promise<Diagnosis> {
  const keep = process.env.BENCH_DIAG_DIR;
  if (keep) fs.mkdirSync(keep, { recursive: true });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const d0 = await counted();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const d1 = await counted();
  const buf = await browser.stopTracing();
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.send('Profiler.disable');
  const trace = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] };
  if (keep) {
    fs.writeFileSync(`${keep}/trace.json`, buf);
    fs.writeFileSync(`${keep}/profile.cpuprofile`, JSON.stringify(profile));
  }
  if (keep) fs.writeFileSync(`${keep}/scripts.json`, JSON.stringify(Object.fromEntries(scripts)));
  const prof = attributeProfile(profile, scripts);
  const reactUrls = new Set([...scripts].filter(([, text]) => /react\.dev\/errors|__reactFiber/.test(text) && text.length < 1_000_000).map(([u]) => u));
  const tasks = summariseTrace(trace.traceEvents, (u) => reactUrls.has(u));
  const per = perUnit(tasks, d1.deltas - d0.deltas, d1.commits - d0.commits, d1.reactCommits - d0.reactCommits);
  return { lines: describe(tasks, prof, per), tasks, profile: prof, perUnit: per };
}

export function describe(tasks: TaskSummary | null, prof: ProfileSummary | null, per: PerUnit | null): string[] {
  const lines: string[] = [];
  const f1 = (x: number) => x.toFixed(1);
  const f2 = (x: number) => x.toFixed(2);
  if (tasks) {
    lines.push(`trace: ${tasks.tasks} main-thread tasks in ${f1(tasks.seconds)} s, busy ${Math.round(tasks.busyMs)} ms (${f1((tasks.busyMs / tasks.seconds / 1000) * 100)}%), ${per?.deltas ?? '?'} deltas, `
      + `${per?.reactCommits ?? '?'} React commits (${per?.commits ?? '?'} with new wall state), ${tasks.frames} frames; task p50 ${f1(tasks.taskMs.p50)} ms, p90 ${f1(tasks.taskMs.p90)} ms, p99 ${f1(tasks.taskMs.p99)} ms, max ${f1(tasks.taskMs.max)} ms`);
    for (const t of tasks.byTrigger.slice(0, 8)) lines.push(`  ${f1(t.pct).padStart(5)}%  ${String(Math.round(t.ms)).padStart(6)} ms  ${String(t.count).padStart(6)} tasks  ${t.trigger}`);
    if (per) {
      lines.push(`  per unit: ${f2(per.socketMsPerDelta)} ms of socket/reducer work per delta, ${f1(per.reactMsPerCommit)} ms of React work per commit, ${f1(per.frameMs)} ms per frame (rAF callbacks + rendering)`);
      // With a real GPU the wall draws up to 60 frames a second, and at 100 deltas/s nearly every
      // frame has new state to render: a rough projection from the per-unit costs measured here.
      const at60 = 100 * per.socketMsPerDelta + 60 * ((Number.isFinite(per.reactMsPerCommit) ? per.reactMsPerCommit : 0) + (Number.isFinite(per.frameMs) ? per.frameMs : 0));
      lines.push(`  projection for a GPU wall (60 frames and 60 React commits a second, 100 deltas/s): ≈ ${Math.round(at60)} ms of main thread per second, ${f2(at60 / 100)} ms per delta`);
    }
    lines.push(`  inside tasks: ${Object.entries(tasks.phases).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}`);
  }
  if (prof) {
    lines.push(`profile: ${Math.round(prof.totalMs)} ms sampled (${Math.round(prof.idleMs)} ms idle, ${Math.round(prof.gcMs)} ms GC); self time by module:`);
    for (const m of prof.byModule.slice(0, 12)) lines.push(`  ${f1(m.pct).padStart(5)}%  ${String(Math.round(m.ms)).padStart(6)} ms  ${m.module}`);
    lines.push('  hottest functions (self):');
    for (const m of prof.byFunction.slice(0, 12)) lines.push(`  ${f1(m.pct).padStart(5)}%  ${String(Math.round(m.ms)).padStart(6)} ms  ${m.name}`);
  }
  return lines;
}
