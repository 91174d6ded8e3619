/**
 * Measuring the wall page from outside and (cheaply) inside:
 * - CDP `Performance.getMetrics`: the renderer main thread's task time (TaskDuration, with
 *   its Script/Layout/RecalcStyle parts), its CPU time (ThreadTime), JS heap and DOM nodes;
 *   `HeapProfiler.collectGarbage` before heap and node samples that are compared.
 * - An init script (a plain string, so tsx's `__name` never reaches the page) that counts
 *   socket.io messages by event name on the page's WebSocket (each delta is applied to the
 *   state on arrival: this is the "applied" count), React commits (through the DevTools
 *   hook) and commits of a new wall state (the map's `data-seq` changing), long tasks, long
 *   animation frames with their script attribution, and event-loop stalls (a 100 ms timer).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { CDPSession, Page } from 'playwright-core';

export const PROBE_INIT_SCRIPT = `(() => {
  if (window.__bench) return;
  const b = window.__bench = { reactCommits: 0, commits: 0, ws: { delta: 0, deltas: 0, deltasItems: 0, snapshot: 0, tick: 0, other: 0, chars: 0 }, long: [], loaf: [] };
  const W = window.WebSocket;
  if (W) {
    window.WebSocket = class extends W {
      constructor(...a) {
        super(...a);
        this.addEventListener('message', (e) => {
          const d = e.data;
          if (typeof d !== 'string') { b.ws.other++; return; }
          b.ws.chars += d.length;
          if (d.startsWith('42["delta",')) b.ws.delta++;
          else if (d.startsWith('42["deltas",')) { b.ws.deltas++; b.ws.deltasItems += (d.match(/"seq":/g) || []).length; }
          else if (d.startsWith('42["snapshot",')) b.ws.snapshot++;
          else if (d.startsWith('42["tick",')) b.ws.tick++;
          else b.ws.other++;
        });
      }
    };
  }
  // Every React commit, through the hook React DevTools uses (production React calls it too).
  if (!window.__REACT_DEVTOOLS_GLOBAL_HOOK__) {
    let id = 0;
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true, isDisabled: false, renderers: new Map(),
      inject() { return ++id; }, checkDCE() {},
      onCommitFiberRoot() { b.reactCommits++; }, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, setStrictMode() {},
    };
  }
  // React commits that rendered a new wall state: the map's data-seq attribute changing.
  new MutationObserver((l) => { b.commits += l.length; }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-seq'] });
  // Event-loop lag: a 100 ms interval timer that notes how late it fires (gaps over 250 ms kept).
  b.lag = [];
  let last = performance.now();
  setInterval(() => { const now = performance.now(); if (now - last > 250) b.lag.push([Math.round(last), Math.round(now - last)]); last = now; }, 100);
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.long.push([Math.round(e.startTime), Math.round(e.duration)]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        b.loaf.push({
          t: Math.round(e.startTime), d: Math.round(e.duration), block: Math.round(e.blockingDuration || 0),
          render: e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0,
          style: e.styleAndLayoutStart ? Math.round(e.startTime + e.duration - e.styleAndLayoutStart) : 0,
          scripts: (e.scripts || []).map((s) => ({ inv: s.invoker, type: s.invokerType, url: s.sourceURL, fn: s.sourceFunctionName, pos: s.sourceCharPosition, d: Math.round(s.duration), fsl: Math.round(s.forcedStyleAndLayoutDuration || 0) })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
})();`;

export interface PageCounters {
  /** Sequence number of the wall state React last rendered (the map's data-seq). */
  seq: number;
  /** React commits that changed data-seq (a new wall state rendered). */
  commits: number;
  /** All React commits (timers, animations, new state). */
  reactCommits: number;
  /** Nodes of every type (elements, text…) in the live document. */
  documentNodes: number;
  incidents: number;
  elements: number;
  ws: { delta: number; deltas: number; deltasItems: number; snapshot: number; tick: number; other: number; chars: number };
  longCount: number;
  longMs: number;
}

export interface Sample {
  /** Seconds since the measured phase started (negative: before). */
  t: number;
  label: string;
  gc: boolean;
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  threadCpuMs: number;
  devtoolsMs: number;
  heapUsedMB: number;
  heapTotalMB: number;
  nodes: number;
  listeners: number;
  page: PageCounters;
}

export class Probe {
  private constructor(private readonly cdp: CDPSession, private readonly page: Page, private readonly t0: () => number) {}

  static async attach(page: Page, t0: () => number): Promise<Probe> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    return new Probe(cdp, page, t0);
  }

  get session(): CDPSession { return this.cdp; }

  async gc(): Promise<void> {
    // Twice: the first pass can leave garbage reachable only from finalizers / weak maps.
    await this.cdp.send('HeapProfiler.collectGarbage');
    await this.cdp.send('HeapProfiler.collectGarbage');
  }

  async counters(): Promise<PageCounters> {
    return this.page.evaluate(`(() => {
      const m = document.querySelector('[data-testid=wall-map]');
      const b = window.__bench;
      return {
        seq: Number(m?.getAttribute('data-seq') ?? -1), commits: b.commits, reactCommits: b.reactCommits,
        documentNodes: (() => { const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL); let n = 1; while (w.nextNode()) n++; return n; })(), incidents: Number(m?.getAttribute('data-incidents') ?? -1),
        elements: document.getElementsByTagName('*').length, ws: { ...b.ws },
        longCount: b.long.length, longMs: b.long.reduce((a, x) => a + x[1], 0),
      };
    })()`);
  }

  async sample(label: string, opts: { gc?: boolean } = {}): Promise<Sample> {
    if (opts.gc) await this.gc();
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const t = this.t0();
    const page = await this.counters();
    return {
      t: Math.round(t * 10) / 10, label, gc: !!opts.gc,
      taskMs: (m.TaskDuration ?? 0) * 1000, scriptMs: (m.ScriptDuration ?? 0) * 1000, layoutMs: (m.LayoutDuration ?? 0) * 1000,
      styleMs: (m.RecalcStyleDuration ?? 0) * 1000, threadCpuMs: (m.ThreadTime ?? 0) * 1000, devtoolsMs: (m.DevToolsCommandDuration ?? 0) * 1000,
      heapUsedMB: (m.JSHeapUsedSize ?? 0) / 2 ** 20, heapTotalMB: (m.JSHeapTotalSize ?? 0) / 2 ** 20, nodes: m.Nodes ?? 0, listeners: m.JSEventListeners ?? 0,
      page,
    };
  }

  /** Long tasks and long animation frames recorded since `sinceMs` (page clock). */
  async longFrames(sinceMs: number, untilMs = Infinity): Promise<{ long: [number, number][]; loaf: Loaf[]; lag: [number, number][] }> {
    const all = (await this.page.evaluate('({ long: window.__bench.long, loaf: window.__bench.loaf, lag: window.__bench.lag })')) as { long: [number, number][]; loaf: Loaf[]; lag: [number, number][] };
    const inWindow = ([t]: [number, number]) => t >= sinceMs && t < untilMs;
    return { long: all.long.filter(inWindow), loaf: all.loaf.filter((f) => f.t >= sinceMs && f.t < untilMs), lag: all.lag.filter(inWindow) };
  }

  async pageNow(): Promise<number> {
    return (await this.page.evaluate('performance.now()')) as number;
  }
}

export interface Loaf {
  t: number; d: number; block: number; render: number; style: number;
  scripts: { inv: string; type: string; url: string; fn: string; pos: number; d: number; fsl: number }[];
}

/** Deltas the page's socket received (each is applied to the state on arrival, in order). */
export const received = (p: PageCounters) => p.ws.delta + p.ws.deltasItems;

/** Difference of two samples, per applied delta and per second. */
export function delta(a: Sample, b: Sample) {
  const seconds = b.t - a.t;
  const applied = received(b.page) - received(a.page);
  const task = b.taskMs - a.taskMs - (b.devtoolsMs - a.devtoolsMs);
  return {
    seconds, applied, deltasPerSec: applied / seconds,
    taskMs: task, scriptMs: b.scriptMs - a.scriptMs, layoutMs: b.layoutMs - a.layoutMs, styleMs: b.styleMs - a.styleMs,
    threadCpuMs: b.threadCpuMs - a.threadCpuMs,
    busyPct: (task / (seconds * 1000)) * 100,
    msPerDelta: applied > 0 ? task / applied : Number.NaN,
    cpuMsPerDelta: applied > 0 ? (b.threadCpuMs - a.threadCpuMs) / applied : Number.NaN,
    renderedSeq: b.page.seq - a.page.seq,
    commits: b.page.commits - a.page.commits,
    reactCommits: b.page.reactCommits - a.page.reactCommits,
    snapshots: b.page.ws.snapshot - a.page.ws.snapshot,
    longTasks: b.page.longCount - a.page.longCount,
    longTaskMs: b.page.longMs - a.page.longMs,
  };
}

/** Pids of this process's descendants (from /proc), e.g. the browser it launched and its children. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) for (const c of children.get(todo.pop()!) ?? []) { out.push(c); todo.push(c); }
  return out;
}

/**
 * Lowers the CPU priority of every thread of the browser's GPU process (launched by this
 * process). With SwiftShader the "GPU" is these threads: at 3840×2160 they would otherwise
 * take both cores from the page's main thread and from the server feeding it, which a wall
 * PC with a real GPU never sees. Returns the number of threads changed; call again after new
 * threads may have started.
 */
export function deprioritiseGpuProcess(nice: number): number {
  let n = 0;
  for (const pid of descendants(process.pid)) {
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmd.includes('--type=gpu-process')) continue;
    let tids: string[] = [];
    try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        if (os.getPriority(Number(tid)) !== nice) { os.setPriority(Number(tid), nice); n++; }
      } catch { /* thread ended */ }
    }
  }
  return n;
}
