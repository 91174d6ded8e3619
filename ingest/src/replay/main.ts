/** `npm run replay -- FILE.ndjson [--speed N]`: to Kafka (KAFKA_BROKERS) or a running embedded server. */
import { parseArgs } from 'node:util';
import { loadSettings } from '@watchfloor/config/settings';
import { cliPublisher } from '../cli-publisher';
import { replayFile } from './replay';

const USAGE = `usage: npm run replay -- FILE.ndjson [--speed N]

Plays a recorded file (npm run simulate -- --out FILE.ndjson) back, in file order.
  --speed N   N× real time, paced by the events' own times; 0 (default) = as fast as possible
  --help      this text

Where it goes: Kafka when KAFKA_BROKERS is set; otherwise a running embedded server at
WATCHFLOOR_URL (default http://localhost:PORT, PORT default 3000), over POST /api/ingest
with INGEST_TOKEN. The server's answer is printed: accepted, duplicates (already stored,
e.g. a second replay, or the same simulator seed) and rejected.`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { speed: { type: 'string', default: '0' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const file = positionals[0];
  if (!file) throw new Error(USAGE);
  const speed = Number(values.speed);
  if (!(speed >= 0)) throw new Error('--speed must be ≥ 0');
  const settings = loadSettings();
  const log = (l: string) => console.log(l);
  const { publisher, target } = await cliPublisher(settings, log);
  const t0 = Date.now();
  const r = await replayFile({ file, publisher, speed, log });
  await publisher.close();
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const outcome = r.answered
    ? `${r.answered.accepted} accepted, ${r.answered.duplicates} duplicates, ${r.answered.rejected} rejected`
    : 'the ingest consumers judge them (Kafka does not answer for them)';
  log(`[replay] ${r.sent} events sent to ${target}: ${outcome}; ${r.skipped} lines skipped; in ${secs} s`);
}

main().catch((err: Error) => {
  console.error(`[replay] ${err.message}`);
  process.exit(1);
});
