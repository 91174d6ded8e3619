/**
 * The test entry point (`npm test`, `npm run test:unit`, `npm run test:integration`,
 * `tsx test/run.ts browser`). It prepares what the tests need before node's test runner
 * starts — the Kafka jars (Maven Central) and a broker shared by the Kafka tests, the native
 * PostgreSQL running, the web build, Debian's chromium — so that every test file talks to
 * real components.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureChromium } from './support/chromium';
import { startKafka, type KafkaBroker } from './support/kafka';
import { PG_ADMIN_URL } from './support/postgres';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suite = process.argv[2] ?? 'all';
const suites: Record<string, string[]> = {
  unit: ['unit'],
  integration: ['integration'],
  browser: ['browser'],
  all: ['unit', 'integration', 'browser'],
};
const dirs = suites[suite];
if (!dirs) {
  console.error(`unknown suite ${suite}; one of ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

function testFiles(dir: string): string[] {
  const d = path.join(root, 'test', dir);
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join('test', dir, f));
}

async function ensurePostgres(): Promise<void> {
  const tryConnect = async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  };
  try {
    await tryConnect();
  } catch {
    // The machine's cluster is installed but may have been stopped: start it as its docs say.
    const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql') : [];
    for (const v of versions) spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', v, 'main', 'start'], { stdio: 'inherit' });
    await tryConnect();
  }
}

async function main(): Promise<number> {
  const files = dirs!.flatMap(testFiles);
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', NEXT_TELEMETRY_DISABLED: '1' };
  let broker: KafkaBroker | null = null;
  if (dirs!.includes('browser')) {
    // Debian's chromium (+ CJK fonts), installed with apt-get on a clean machine; done first so
    // that a failed install stops the run before anything is started.
    env.CHROMIUM_PATH = await ensureChromium();
  }
  // Build before starting the broker, so a failed build leaves nothing running.
  if (dirs!.includes('integration') || dirs!.includes('browser')) {
    const b = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'web', 'scripts', 'ensure-build.ts')], { stdio: 'inherit', cwd: root, env });
    if (b.status !== 0) throw new Error('web build failed');
  }
  if (dirs!.includes('integration')) {
    await ensurePostgres();
    const t0 = Date.now();
    broker = await startKafka();
    console.log(`[test] Kafka broker ready on ${broker.brokers.join(',')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    env.TEST_KAFKA_BROKERS = broker.brokers.join(',');
  }
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root, env });
    return await new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await broker?.stop();
  }
}

main().then((code) => process.exit(code), (err: Error) => {
  console.error(`[test] setup failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
