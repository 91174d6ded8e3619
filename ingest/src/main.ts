/**
 * `npm run ingest`: the deployed consumer. Any number of these share one Kafka consumer
 * group; each stores what its partitions bring. (Embedded mode needs none: `npm start`
 * runs the pipeline inside the web process.)
 */
import { loadSettings } from '@watchfloor/config/settings';
import { startRuntime } from './runtime';

const log = (l: string) => console.log(`${new Date().toISOString()} ${l}`);

async function main(): Promise<void> {
  const settings = loadSettings();
  if (settings.embeddedBus) {
    throw new Error('npm run ingest consumes Kafka: set KAFKA_BROKERS (the embedded mode runs ingest inside `npm start`)');
  }
  const rt = await startRuntime(settings, { consume: true, log });
  // Not awaited: a standby instance waits here for the active rules instance to go away.
  rt.startRules().catch((err: Error) => log(`[rules] failed: ${err.message}`));
  log(`[ingest] consuming ${settings.KAFKA_BROKERS!.join(',')} as group ${settings.KAFKA_GROUP_ID} into ${rt.db.kind}/${rt.db.flavor}`);
  const report = setInterval(() => {
    const s = rt.pipeline.stats();
    log(`[ingest] stored ${s.accepted}, duplicates ${s.duplicates}, dead-lettered ${s.rejected}`);
  }, 60_000);
  const stop = async (sig: string) => {
    log(`[ingest] ${sig}: stopping`);
    // A standby rules instance holds a connection waiting on the lock: do not wait for it forever.
    setTimeout(() => process.exit(0), 10_000).unref();
    clearInterval(report);
    await rt.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  console.error(`[ingest] ${err.message}`);
  process.exit(1);
});
