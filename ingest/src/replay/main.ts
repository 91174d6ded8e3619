/** `npm run replay -- FILE.ndjson [--speed N]`: to Kafka (KAFKA_BROKERS) or a running embedded server. */
import { parseArgs } from 'node:util';
import { loadSettings } from '@watchfloor/config/settings';
import { cliPublisher } from '../cli-publisher';
import { replayFile } from './replay';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { speed: { type: 'string', default: '0' } } });
  const file = positionals[0];
  if (!file) throw new Error('usage: npm run replay -- FILE.ndjson [--speed N]  (N× real time; 0 = as fast as possible)');
  const speed = Number(values.speed);
  if (!(speed >= 0)) throw new Error('--speed must be ≥ 0');
  const settings = loadSettings();
  const log = (l: string) => console.log(l);
  const { publisher, target } = await cliPublisher(settings, log);
  const t0 = Date.now();
  const r = await replayFile({ file, publisher, speed, log });
  await publisher.close();
  log(`[replay] ${r.sent} events sent to ${target}, ${r.skipped} lines skipped, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err: Error) => {
  console.error(`[replay] ${err.message}`);
  process.exit(1);
});
