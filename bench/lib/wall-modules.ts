/**
 * Attributes a V8 CPU profile of the wall page to the packages of its minified bundle (no
 * source maps in a production build), by marker strings in the script text, and lists the
 * hottest functions with the start of their source, which identifies them well enough.
 */

export interface CpuProfileNode { id: number; callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number; children?: number[] }
export interface CpuProfile { nodes: CpuProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  /** Self time by module (what code actually ran). */
  byModule: { module: string; ms: number; pct: number }[];
  /** Hottest functions by self time, as "name (module)". */
  byFunction: { name: string; ms: number; pct: number }[];
}

/**
 * Strings that mark a package's (or our own) code. Turbopack scope-hoists most of the page
 * into one giant module, so code is placed by the nearest marker before it in the script
 * text: a hint, good enough to tell maplibre from deck.gl from echarts from our reducer.
 */
const MARKERS: [string, RegExp][] = [
  ['app: wall reducer + live feed (config/src/wall, use-wall-feed)', /"hello"|case"dispatches"|"deltas"/g],
  ['app: map layers / WallMap', /"incident-pulse"|"grid-heat"|"area-labels"|"neighbour-labels"|"warning-outlines"|"wall-map"/g],
  ['app: panels / WallScreen', /"feed-item"|"wall-root"|"kpi-calls-today"|"case-funnel"|"stale-banner"|"data-warning-id"/g],
  ['echarts/zrender', /echarts|zrender/gi],
  ['maplibre-gl', /maplibre/gi],
  ['react-dom', /react\.dev\/errors|__reactFiber|__reactContainer/g],
  ['socket.io client', /engine\.io|socket\.io|transport close|ping timeout|xhr poll error|websocket error|probe error/g],
  ['luma.gl (WebGL)', /luma\.gl/g],
  ['deck.gl', /deck\.gl|layerName="/g],
  ['math.gl', /math\.gl/g],
  ['loaders.gl', /loaders\.gl/g],
  ['next.js runtime', /next\/dist|__NEXT_/g],
]

interface Region { start: number; label: string }

/** Marker positions in a script, in order; a script with a single kind of marker is that package throughout. */
function regionsOf(text: string): Region[] {
  const hits: Region[] = [];
  for (const [label, re] of MARKERS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push({ start: m.index, label });
  }
  hits.sort((a, b) => a.start - b.start);
  const out: Region[] = [];
  for (const h of hits) if (out.at(-1)?.label !== h.label) out.push(h);
  if (out.length) out[0] = { start: 0, label: out[0]!.label };
  return out;
}

function regionAt(regions: Region[], off: number): string | null {
  let lo = 0;
  let hi = regions.length - 1;
  let best: Region | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (regions[mid]!.start <= off) { best = regions[mid]!; lo = mid + 1; } else hi = mid - 1;
  }
  return best ? best.label : null;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

type CallFrame = CpuProfileNode['callFrame'];

/** Places call frames of the page's scripts: package (by marker) and the start of the function's source. */
export class Placer {
  private readonly placed = new Map<string, { regions: Region[]; lines: number[]; text: string }>();

  constructor(scripts: Map<string, string>) {
    for (const [url, text] of scripts) this.placed.set(url, { regions: regionsOf(text), lines: lineStarts(text), text });
  }

  private offset(cf: CallFrame) {
    const s = this.placed.get(cf.url);
    return s ? { s, off: (s.lines[cf.lineNumber] ?? 0) + cf.columnNumber } : null;
  }

  module(cf: CallFrame): string {
    if (!cf.url) return cf.functionName.startsWith('(') ? cf.functionName : `native ${cf.functionName || '(anonymous)'}`;
    const p = this.offset(cf);
    return (p && regionAt(p.s.regions, p.off)) ?? `script ${cf.url.split('/').pop()}`;
  }

  /** "name — module `source…`": minified names say little, the source's start says more. */
  describe(cf: CallFrame): string {
    const p = this.offset(cf);
    const src = p ? ` \`${p.s.text.slice(p.off, p.off + 70).replace(/\s+/g, ' ')}…\`` : '';
    return `${cf.functionName || '(anonymous)'} — ${this.module(cf)}${src}`;
  }
}

export function attributeProfile(profile: CpuProfile, scripts: Map<string, string>): ProfileSummary {
  const placer = new Placer(scripts);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const fn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    total += dt;
    const label = placer.module(node.callFrame);
    if (label === '(idle)') { idle += dt; continue; }
    if (label === '(garbage collector)') gc += dt;
    self.set(label, (self.get(label) ?? 0) + dt);
    const fname = placer.describe(node.callFrame);
    fn.set(fname, (fn.get(fname) ?? 0) + dt);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, ms]) => ({ k, ms, pct: (ms / busy) * 100 }));
  return {
    totalMs: total, idleMs: idle, gcMs: gc,
    byModule: rank(self).slice(0, 25).map(({ k, ms, pct }) => ({ module: k, ms, pct })),
    byFunction: rank(fn).slice(0, 30).map(({ k, ms, pct }) => ({ name: k, ms, pct })),
  };
}

export interface HeapSamplingNode { callFrame: CallFrame; selfSize: number; id: number; children: HeapSamplingNode[] }

/**
 * Live memory allocated since sampling started (V8's sampling heap profiler, read after a GC),
 * by allocating function and by the nearest frame of our own code on the stack.
 */
export function attributeHeap(head: HeapSamplingNode, scripts: Map<string, string>) {
  const placer = new Placer(scripts);
  const bySite = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapSamplingNode, stack: CallFrame[]) => {
    const here = [...stack, n.callFrame];
    if (n.selfSize) {
      total += n.selfSize;
      const m = placer.module(n.callFrame);
      byModule.set(m, (byModule.get(m) ?? 0) + n.selfSize);
      // The allocating frame, and which of our frames (if any) led to it.
      const ours = [...here].reverse().find((cf) => placer.module(cf).startsWith('app:'));
      const key = `${placer.describe(n.callFrame)}${ours && ours !== n.callFrame ? `  ← ${placer.describe(ours)}` : ''}`;
      bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, here);
  };
  walk(head, []);
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, bytes]) => ({ k, kb: bytes / 1024, pct: (bytes / total) * 100 }));
  return { totalKB: total / 1024, byModule: rank(byModule).slice(0, 12), bySite: rank(bySite).slice(0, 15) };
}
