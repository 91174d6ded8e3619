// Makes sure tools/kafka/lib holds the Kafka broker classpath resolved from tools/kafka/pom.xml.
// Needs only `java` and `mvn` on PATH; Maven's ~/.m2 cache makes repeat resolutions cheap.
//
// Library:  import { ensureKafkaJars } from '../../tools/kafka/ensure';
// CLI (e.g. a CI warm-up step):  tsx tools/kafka/ensure.ts
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const KAFKA_TOOLS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const KAFKA_LIB_DIR = path.join(KAFKA_TOOLS_DIR, 'lib');
export const KAFKA_LOG4J_PROPERTIES = path.join(KAFKA_TOOLS_DIR, 'log4j.properties');
const POM = path.join(KAFKA_TOOLS_DIR, 'pom.xml');

export async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export async function pinnedKafkaVersion(): Promise<string> {
  const pom = await readFile(POM, 'utf8');
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error(`no <kafka.version> property in ${POM}`);
  return match[1];
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${output}`));
    });
  });
}

let inFlight: Promise<string> | undefined;

/** Resolves to the lib directory once it contains the broker jar for the version pinned in pom.xml. */
export function ensureKafkaJars(): Promise<string> {
  // Several startKafka() calls in one process share one resolution instead of racing mvn.
  inFlight ??= resolveJars().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

async function resolveJars(): Promise<string> {
  // Keyed on the exact jar name so bumping kafka.version in the pom forces a re-resolve.
  const marker = `kafka_2.13-${await pinnedKafkaVersion()}.jar`;
  if (await exists(path.join(KAFKA_LIB_DIR, marker))) return KAFKA_LIB_DIR;

  // Resolve into a private directory and rename it into place: test files run in parallel
  // processes, and none of them may ever see (or put on its classpath) a half-copied lib/.
  const staging = path.join(
    KAFKA_TOOLS_DIR,
    'target',
    `lib-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  await mkdir(path.dirname(staging), { recursive: true });
  try {
    await run('mvn', [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ]);
    if (!(await exists(path.join(staging, marker)))) {
      throw new Error(`mvn finished but ${marker} is not in ${staging}; check tools/kafka/pom.xml`);
    }
    if ((await exists(KAFKA_LIB_DIR)) && !(await exists(path.join(KAFKA_LIB_DIR, marker)))) {
      // Jars of an older pinned version; mixing them with the new ones breaks the broker.
      await rm(KAFKA_LIB_DIR, { recursive: true, force: true });
    }
    try {
      await rename(staging, KAFKA_LIB_DIR);
    } catch (err) {
      // Another process won the race; its lib/ is just as good as ours.
      if (!(await exists(path.join(KAFKA_LIB_DIR, marker)))) throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return KAFKA_LIB_DIR;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  const lib = await ensureKafkaJars();
  console.log(`kafka jars ready in ${lib} (${Math.round(performance.now() - t0)} ms)`);
}
