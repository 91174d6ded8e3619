/** Starts the real server as a user does (`npm start`) on a free port, and stops it by its own pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { waitFor } from './wait';

export interface RunningServer {
  url: string;
  port: number;
  /** The process group of `npm start` and everything under it (for CPU accounting). */
  pgid: number;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartServerOptions {
  port?: number;
  readyTimeoutMs?: number;
  /** Also wait for the pages (Next.js prepares after the data plane), not only /api/health. */
  waitForPages?: boolean;
  /** Return as soon as the port answers at all (health 503 "starting" included): for tests of the start-up window. */
  untilListening?: boolean;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startServer(env: Record<string, string>, opts: StartServerOptions = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  let out = '';
  // `npm start` itself, detached into its own process group so stop() reaches tsx and node below npm.
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    // The weekly briefing would start a chromium in every test server a minute in: on only where a test asks.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BRIEFING_WEEKLY: '0', ...env },
  });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url, port, pgid: child.pid!, output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
      const code = await exited;
      // npm may exit before the server under it has closed its store: wait for the whole group,
      // or a test reopening DATA_DIR would race the closing server.
      while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 100));
      clearTimeout(t);
      return code;
    },
  };
  try {
    // A server that exits while starting (a failed build in prestart, say) fails at once
    // instead of being polled until the deadline.
    const died = exited.then((code) => { throw new Error(`server exited with ${code} while starting`); });
    const ready = waitFor(`${url}/api/health to answer ${opts.untilListening ? 'at all' : '200'}${opts.waitForPages ? ' and the pages' : ''}`, async () => {
      const status = (await fetch(`${url}/api/health`)).status;
      if (opts.untilListening) return true;
      return status === 200 && (!opts.waitForPages || out.includes('[web] pages ready'));
    }, (ok) => ok, opts.readyTimeoutMs ?? 180_000, opts.untilListening ? 50 : 300);
    await Promise.race([ready, died]);
    died.catch(() => undefined);
  } catch (err) {
    await server.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- server output ---\n${out.slice(-4000)}`);
  }
  return server;
}
