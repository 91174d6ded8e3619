/**
 * The deployed topology as processes on this machine: N `npm run ingest` processes sharing one
 * consumer group and M web processes (`npm start`), all on one PostgreSQL database and one
 * Kafka broker, as docker-compose.yml runs them. Used by the scale-out test and
 * `npm run bench:latency -- --deployed`; each process can be killed on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { startServer, type RunningServer, type StartServerOptions } from './server';
import { waitFor } from './wait';

export interface IngestProcess {
  readonly pid: number;
  output(): string;
  /** Resolves with the exit code or signal once the process has exited. */
  readonly exited: Promise<string>;
  /** Not exited yet. */
  running(): boolean;
  /** SIGKILL: a crash, nothing flushed, no offset committed on the way out. */
  kill(): Promise<string>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<string>;
}

/**
 * `npm run ingest`'s entry run straight by node, so the pid is the consumer itself (a SIGKILL
 * reaches it, not a wrapper); started once its log says `ready` (by default: consuming).
 */
export async function startIngest(env: Record<string, string>, opts: { readyMs?: number; ready?: { what: string; seen: (log: string) => boolean } } = {}): Promise<IngestProcess> {
  const ready = opts.ready ?? { what: 'ingest consuming', seen: (l: string) => l.includes('[ingest] consuming') };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'ingest/src/main.ts')], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(String(code ?? signal))));
  const p: IngestProcess = {
    pid: child.pid!,
    output: () => out,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
  const died = exited.then((r) => { throw new Error(`ingest exited (${r}) while starting\n${out.slice(-3000)}`); });
  died.catch(() => undefined);
  await Promise.race([
    waitFor(ready.what, async () => out, ready.seen, opts.readyMs ?? 90_000).catch((err: Error) => { throw new Error(`${err.message}\n${out.slice(-3000)}`); }),
    died,
  ]);
  return p;
}

export interface DeployedOptions {
  brokers: readonly string[];
  databaseUrl: string;
  /** Topic prefix and consumer group of this topology: tests on one broker never share topics. */
  prefix: string;
  ingests: number;
  webs: number;
  tokens: { wall: string; ingest: string };
  /** More settings for every process. */
  env?: Record<string, string>;
  web?: StartServerOptions;
}

export interface Deployed {
  env: Record<string, string>;
  ingests: IngestProcess[];
  webs: RunningServer[];
  stop(): Promise<void>;
}

export async function startDeployed(o: DeployedOptions): Promise<Deployed> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-deployed-'));
  const env: Record<string, string> = {
    KAFKA_BROKERS: o.brokers.join(','), KAFKA_TOPIC_PREFIX: o.prefix, KAFKA_GROUP_ID: `${o.prefix}ingest`, DATABASE_URL: o.databaseUrl,
    PHONE_HASH_KEY: 'deployed-topology-key-0123456789', WALL_TOKEN: o.tokens.wall, INGEST_TOKEN: o.tokens.ingest,
    DATA_DIR: dataDir, SIMULATE: '0', METRICS_PORT: '0', ...o.env,
  };
  const ingests: IngestProcess[] = [];
  const webs: RunningServer[] = [];
  const stop = async () => {
    await Promise.all([...webs.map((w) => w.stop().catch(() => null)), ...ingests.map((i) => i.stop().catch(() => ''))]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // One at a time: the first migrates the database and makes the topics, and two joining a
    // group at once only means an extra rebalance.
    for (let i = 0; i < o.ingests; i++) ingests.push(await startIngest(env));
    // Sequential too: a stale page build would otherwise be made by both at once.
    for (let i = 0; i < o.webs; i++) webs.push(await startServer(env, o.web));
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, ingests, webs, stop };
}
