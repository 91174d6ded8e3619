/**
 * CPU accounting for benchmarks: the server's process group (from test/support/server.ts,
 * which starts it as a user does) and the whole machine, to tell what else ran.
 */
import fs from 'node:fs';

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

/** CPU seconds (user + system) used so far by one process (0 once it has exited). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
