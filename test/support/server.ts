/** Starts the real server as a user does (`npm start`) on a free port, and stops it by its own pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { waitFor } from './wait';

export interface RunningServer { url: string; port: number; output: () => string; stop(signal?: NodeJS.Signals): Promise<number | null> }

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

export async function startServer(env: Record<string, string>, opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  let out = '';
  // `npm start` itself, detached into its own process group so stop() reaches tsx and node below npm.
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
  });
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url, port, output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      try { process.kill(-child.pid!, signal); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
  try {
    await waitFor(`${url}/api/health to answer 200`, async () => {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      return (await fetch(`${url}/api/health`)).status;
    }, (s) => s === 200, opts.readyTimeoutMs ?? 180_000, 300);
  } catch (err) {
    await server.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- server output ---\n${out.slice(-4000)}`);
  }
  return server;
}
