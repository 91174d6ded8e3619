/** What the two latency benchmarks (embedded and --deployed) share: the clock, percentiles, the client worker. */
import { Worker } from 'node:worker_threads';
import type { ClientsInput } from './latency-clients';

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Dist { p50: number; p90: number; p99: number; max: number; count: number }

export function dist(xs: Float64Array): Dist {
  const s = xs.slice().sort();
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : Number.NaN);
  return { p50: at(50), p90: at(90), p99: at(99), max: s.length ? s[s.length - 1]! : Number.NaN, count: s.length };
}


export function startClients(input: ClientsInput): Worker {
  // The worker is TypeScript: register tsx's loader inside it first (Node 20 hooks are per thread).
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./latency-clients.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(file)}); });`, { eval: true, workerData: input });
}

export function nextMessage<T>(w: Worker, type: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => { cleanup(); reject(new Error(`client worker: no '${type}' within ${timeoutMs} ms`)); }, timeoutMs);
    const onMsg = (m: { type: string; message?: string }) => {
      if (m.type === type) { cleanup(); resolve(m as T); } else if (m.type === 'error') { cleanup(); reject(new Error(m.message)); }
    };
    const onErr = (err: Error) => { cleanup(); reject(err); };
    const cleanup = () => { clearTimeout(t); w.off('message', onMsg); w.off('error', onErr); };
    w.on('message', onMsg);
    w.on('error', onErr);
  });
}

export const f1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : String(x));
export const fmtDist = (d: Dist) => `p50 ${f1(d.p50)} p90 ${f1(d.p90)} p99 ${f1(d.p99)} max ${f1(d.max)}`;
