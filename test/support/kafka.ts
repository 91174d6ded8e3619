// A real single-node Kafka (KRaft, combined broker+controller) for integration tests, run straight
// from the jars Maven resolves into tools/kafka/lib: no Docker, only `java` and `mvn` needed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import {
  ensureKafkaJars,
  exists,
  KAFKA_LOG4J_PROPERTIES,
  KAFKA_TOOLS_DIR,
  pinnedKafkaVersion,
} from '../../tools/kafka/ensure';

export interface KafkaBroker {
  /** bootstrap list for kafkajs, e.g. ['127.0.0.1:41234'] */
  brokers: string[];
  port: number;
  controllerPort: number;
  /** Kafka's log.dirs (the partition data), kept across restart() and kill(). */
  logDir: string;
  /** Graceful shutdown (SIGTERM, SIGKILL after 20 s), then deletes the temp files. Idempotent. */
  stop(): Promise<void>;
  /** Graceful shutdown if running, then start again on the same ports and data; resolves when ready. */
  restart(): Promise<void>;
  /** SIGKILL, i.e. a crash. Data is kept: restart() afterwards exercises recovery; stop() cleans up. */
  kill(): Promise<void>;
  /** Graceful shutdown (an operator stopping the broker), data and ports kept: restart() brings it back. */
  halt(): Promise<void>;
}

export interface StartKafkaOptions {
  /** PLAINTEXT port; a free one is picked when omitted. */
  port?: number;
  /** Use this as log.dirs (formatted if empty, reused otherwise, never deleted by us). */
  logDir?: string;
  /** Default 90 s. */
  readyTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const BIND_RETRIES = 3;

// C1 only: ready in ~1.3 s instead of ~1.6 s here, and a test broker never runs long enough for
// C2 to pay off. Serial GC: no parallel GC threads fighting the tests for 2 cores.
const JVM_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

function serverProperties(port: number, controllerPort: number, logDir: string): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    // One node: every replication factor / ISR must be 1 or topic creation stalls.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // The default 50 partitions make the first consumer-group join create 50 logs.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a kill() the restarted controller keeps the dead incarnation's session alive and
    // rejects the new registration until it expires: the 9 s default made every crash test
    // ~11 s slower. Heartbeats must stay well inside the session.
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 500,
    'auto.create.topics.enable': true,
    'num.partitions': 3,
    // Small, since the 2-core CI box is shared with the app under test.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.index.size.max.bytes': 1024 * 1024,
    // The cleaner allocates this buffer on the heap at startup (128 MB by default).
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}\n`)
    .join('');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/** The broker log minus Java stack frames (a single failure is ~150 lines of them), last lines first-class. */
async function logSummary(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    const kept = text.split('\n').filter((l) => !/^\s+(at |\.\.\. \d+ more)/.test(l));
    return `--- ${file} (stack frames omitted) ---\n${kept.slice(-lines).join('\n')}`;
  } catch {
    return `--- no broker log at ${file} ---`;
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function runToCompletion(cmd: string, args: string[], logFile: string): Promise<void> {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        if (code === 0) return resolve();
        void logSummary(logFile).then((t) =>
          reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${t}`)),
        );
      });
    });
  } finally {
    closeSync(fd);
  }
}

// Brokers whose JVM may still be running, so an exiting test process can take them down.
const live = new Set<{ child: ChildProcess; workDir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only sync work is possible here; covers tests that forget stop() (the JVM child is
  // unref'd, so a forgotten broker does not keep the test process alive).
  process.on('exit', () => {
    for (const b of live) {
      b.child.kill('SIGKILL');
      rmSync(b.workDir, { recursive: true, force: true });
    }
  });
}

/**
 * When this Node process dies without running 'exit' handlers (SIGKILL, or the default SIGTERM
 * action the node:test runner uses on timeouts), its end of our stdin pipe closes; `read` then
 * returns and the JVM is killed and its temp dir removed. Otherwise killed by us once the JVM exits.
 */
function spawnWatchdog(javaPid: number, workDir: string): ChildProcess {
  const script = 'read -r _; kill -KILL "$1" 2>/dev/null; sleep 1; rm -rf "$2"';
  const dog = spawn('sh', ['-c', script, 'kafka-watchdog', String(javaPid), workDir], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  dog.unref();
  dog.stdin?.on('error', () => {});
  (dog.stdin as net.Socket | null)?.unref();
  return dog;
}

async function waitUntilReady(
  brokers: string[],
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-kafka-readiness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  let exited = false;
  void exitOf(child).then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited) {
      throw new BrokerExitedError(
        `Kafka broker exited during startup (${child.exitCode ?? child.signalCode})\n${await logSummary(logFile)}`,
      );
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      // Metadata answered by a broker that knows itself = registered with its controller.
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) {
        await admin.listTopics();
        return;
      }
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await sleep(100);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(
    `Kafka broker not ready after ${timeoutMs} ms (last error: ${reason})\n${await logSummary(logFile)}`,
  );
}

class BrokerExitedError extends Error {}

/** A Kafka Uuid string (base64url of 16 random bytes), avoiding the '-' prefix Kafka itself avoids. */
function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

let template: Promise<string> | undefined;

/**
 * A directory formatted once by kafka.tools.StorageTool and cached under tools/kafka/target.
 * Formatting only writes meta.properties (ids) and bootstrap.checkpoint (the metadata.version
 * record), so copying the checkpoint and writing fresh ids saves a ~0.4 s JVM run per broker.
 */
function formattedTemplate(javaArgs: string[]): Promise<string> {
  template ??= (async () => {
    const dir = path.join(KAFKA_TOOLS_DIR, 'target', `format-kafka-${await pinnedKafkaVersion()}`);
    if (await exists(path.join(dir, 'bootstrap.checkpoint'))) return dir;
    // Private dir + rename, since parallel test processes may all get here on a fresh clone.
    await mkdir(path.dirname(dir), { recursive: true });
    const staging = await mkdtemp(`${dir}.tmp-`);
    try {
      const props = path.join(staging, 'format.properties');
      const data = path.join(staging, 'data');
      await writeFile(props, serverProperties(1, 2, data));
      await runToCompletion(
        'java',
        [...javaArgs, 'kafka.tools.StorageTool', 'format', '-t', kafkaUuid(), '-c', props],
        path.join(staging, 'format.log'),
      );
      try {
        await rename(data, dir);
      } catch (err) {
        if (!(await exists(path.join(dir, 'bootstrap.checkpoint')))) throw err;
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return dir;
  })().catch((err: unknown) => {
    template = undefined;
    throw err;
  });
  return template;
}

async function formatLogDir(logDir: string, templateDir: string): Promise<void> {
  // Like StorageTool's --ignore-formatted: a caller-supplied logDir may hold a previous run.
  if (await exists(path.join(logDir, 'meta.properties'))) return;
  await copyFile(path.join(templateDir, 'bootstrap.checkpoint'), path.join(logDir, 'bootstrap.checkpoint'));
  const meta = [
    'version=1',
    'node.id=1',
    `cluster.id=${kafkaUuid()}`,
    `directory.id=${kafkaUuid()}`,
  ];
  await writeFile(path.join(logDir, 'meta.properties'), `${meta.join('\n')}\n`);
}

export async function startKafka(opts: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const lib = await ensureKafkaJars();
  installExitHook();

  const workDir = await mkdtemp(path.join(os.tmpdir(), 'watchfloor-kafka-'));
  const logDir = opts.logDir ?? path.join(workDir, 'data');
  await mkdir(logDir, { recursive: true });
  const propsFile = path.join(workDir, 'server.properties');
  const logFile = path.join(workDir, 'broker.log');
  const readyTimeoutMs = opts.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const classpath = path.join(lib, '*');
  const log4j = `-Dlog4j.configuration=file:${KAFKA_LOG4J_PROPERTIES}`;

  let port = opts.port ?? 0;
  let controllerPort = 0;
  let current: { child: ChildProcess; workDir: string; dog: ChildProcess } | undefined;
  let finished = false;

  const launch = async (): Promise<void> => {
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn('java', [...JVM_OPTS, log4j, '-cp', classpath, 'kafka.Kafka', propsFile], {
        stdio: ['ignore', fd, fd],
        detached: false,
      });
    } finally {
      closeSync(fd);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    const dog = spawnWatchdog(child.pid ?? -1, workDir);
    const entry = { child, workDir, dog };
    current = entry;
    live.add(entry);
    void exitOf(child).then(() => {
      live.delete(entry);
      dog.kill('SIGKILL');
    });
    await waitUntilReady([`127.0.0.1:${port}`], child, logFile, readyTimeoutMs);
  };

  const terminate = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    const entry = current;
    if (!entry) return;
    const exited = exitOf(entry.child);
    entry.child.kill(signal);
    // A ref'd timer: the child is unref'd, so without it Node could exit while we wait.
    const escalate = setTimeout(() => entry.child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(escalate);
    current = undefined;
  };

  // Auto-picked ports can be grabbed by someone else between probing and the JVM binding them.
  for (let attempt = 1; ; attempt++) {
    if (!opts.port) port = await freePort();
    do controllerPort = await freePort();
    while (controllerPort === port);
    await writeFile(propsFile, serverProperties(port, controllerPort, logDir));
    // Fresh log per attempt so an earlier attempt's bind error is not mistaken for this one's.
    await writeFile(logFile, '');
    try {
      await formatLogDir(logDir, await formattedTemplate([...JVM_OPTS, log4j, '-cp', classpath]));
      await launch();
      break;
    } catch (err) {
      await terminate('SIGKILL');
      const log = await readFile(logFile, 'utf8').catch(() => '');
      const clash = /failed to bind to [^\s:]+:(\d+)/.exec(log)?.[1];
      const pickedByUs = clash !== undefined && Number(clash) !== opts.port;
      if (err instanceof BrokerExitedError && pickedByUs && attempt < BIND_RETRIES) continue;
      await rm(workDir, { recursive: true, force: true });
      throw err;
    }
  }

  // Serialises lifecycle calls so e.g. stop() during restart() cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (op: () => Promise<void>): Promise<void> => {
    const next = queue.then(op);
    queue = next.catch(() => {});
    return next;
  };

  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    controllerPort,
    logDir,
    stop: () =>
      serial(async () => {
        if (finished) return;
        await terminate('SIGTERM');
        finished = true;
        await rm(workDir, { recursive: true, force: true });
      }),
    kill: () =>
      serial(async () => {
        await terminate('SIGKILL');
      }),
    halt: () =>
      serial(async () => {
        await terminate('SIGTERM');
      }),
    restart: () =>
      serial(async () => {
        if (finished) throw new Error('restart() after stop(): the broker is gone');
        await terminate('SIGTERM');
        await launch();
      }),
  };
}

/** Runs fn against a fresh broker and always stops it. */
export async function withKafka<T>(
  fn: (broker: KafkaBroker) => Promise<T>,
  opts?: StartKafkaOptions,
): Promise<T> {
  const broker = await startKafka(opts);
  try {
    return await fn(broker);
  } finally {
    await broker.stop();
  }
}
