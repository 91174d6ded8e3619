/**
 * A PostgreSQL 15 cluster of a test's own (initdb + pg_ctl into a temp folder, a free port),
 * for fault tests that stop the database: the machine's shared service is never touched.
 * initdb refuses to run as root, so the cluster runs as the `postgres` account when we are root.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  url: string;
  port: number;
  /** pg_ctl stop -m fast: connections are cut, as when the server goes away. */
  stop(): void;
  start(): void;
  /** Stops and deletes the folder. */
  destroy(): void;
}

function run(args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  const [cmd, ...rest] = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  const r = spawnSync(cmd!, rest, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-pgc-'));
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  run([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=32MB`;
  const start = () => { run([`${BIN}/pg_ctl`, '-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']); };
  const stop = () => { run([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']); };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    destroy() {
      try { stop(); } catch { /* already stopped */ }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
