/**
 * `npm run ingest`: the deployed consumer. Any number of these share one Kafka consumer
 * group; each stores what its partitions bring. (Embedded mode needs none: `npm start`
 * runs the pipeline inside the web process.)
 */
import { loadSettings } from '@watchfloor/config/settings';
import { startMetricsServer } from './http/metrics-server';
import { createLogger, lineLog } from './log';
import { startRuntime } from './runtime';

const logger = createLogger({ name: 'ingest' });
const log = lineLog(logger);

async function main(): Promise<void> {
  const settings = loadSettings();
  logger.level = settings.LOG_LEVEL;
  if (settings.embeddedBus) {
    throw new Error('npm run ingest consumes Kafka: set KAFKA_BROKERS (the embedded mode runs ingest inside `npm start`)');
  }
  // Bound before anything is consumed: a taken METRICS_PORT stops the start cleanly, not a
  // process that has already joined the consumer group.
  const metrics = await startMetricsServer(settings, logger);
  log(`[ingest] metrics at ${metrics.address}/metrics`);
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
    await metrics.close().catch(() => undefined);
    await rt.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  logger.error({ component: 'ingest' }, err.message);
  process.exit(1);
});
