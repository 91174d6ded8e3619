/**
 * Starts the real server for a benchmark as a user does (`npm start`, in its own process
 * group) and waits until both the data plane (/api/health 200) and the pages are ready.
 * Unlike test/support/server.ts it fails at once when the server exits during start-up (a
 * failed `next build` in prestart, say) instead of polling until the deadline, and exposes
 * the process group for CPU accounting.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { freePort } from '../../test/support/server';

export interface BenchServer { url: string; pgid: number; output: () => string; stop(): Promise<void> }

export async function startBenchServer(env: Record<string, string>, readyTimeoutMs = 600_000): Promise<BenchServer> {
  const port = await freePort();
  let out = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((r) => child.once('exit', (code) => { exitCode = code; r(); }));
  const url = `http://127.0.0.1:${port}`;
  const server: BenchServer = {
    url, pgid: child.pid!, output: () => out,
    async stop() {
      if (exitCode !== undefined) return;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
      await exited;
      clearTimeout(t);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  let healthy = false;
  while (!(healthy && out.includes('[web] pages ready'))) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} while starting\n--- server output ---\n${out.slice(-4000)}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server not ready within ${readyTimeoutMs} ms\n--- server output ---\n${out.slice(-4000)}`);
    }
    if (!healthy) healthy = await fetch(`${url}/api/health`).then((r) => r.status === 200, () => false);
    await new Promise((r) => setTimeout(r, 250));
  }
  return server;
}

/** CPU seconds (user + system) used so far by the live processes of a process group (npm, tsx and the server under them). */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
      if (Number(f[2]) !== pgid) continue;
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited meanwhile */ }
  }
  return ticks / 100; // USER_HZ
}

/** Busy and steal CPU seconds of the whole machine so far (from /proc/stat), to tell what else ran during a measurement. */
export function machineCpuSeconds(): { busy: number; steal: number } {
  const f = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return { busy: (user + nice + system + irq + softirq) / 100, steal: steal / 100 };
}
