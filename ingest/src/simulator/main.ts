/**
 * `npm run simulate` — feed a live county to Kafka (KAFKA_BROKERS) or to a running
 * embedded server over HTTP.
 * `npm run simulate -- --out FILE.ndjson [--days N]` — record the last N days (default 7)
 * as a replay file instead.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRegion } from '@watchfloor/config/region';
import { loadSettings } from '@watchfloor/config/settings';
import { cliPublisher } from '../cli-publisher';
import { CountyModel } from './county-model';
import { startSimulator } from './simulator';

const HOUR = 3_600_000;

const USAGE = `usage: npm run simulate [-- --out FILE.ndjson [--days N]]

Without --out: feeds a live county (seed SIMULATE_SEED, speed SIMULATE_SPEED) to Kafka when
KAFKA_BROKERS is set, otherwise to a running embedded server at WATCHFLOOR_URL (default
http://localhost:PORT, PORT default 3000) over POST /api/ingest with INGEST_TOKEN.
  --out FILE  record the last N days to FILE instead (one {"topic","value"} per line), for npm run replay
  --days N    days to record (default 7)
  --help      this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, days: { type: 'string', default: '7' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const settings = loadSettings();
  const region = loadRegion(settings.REGION_DIR);
  const log = (l: string) => console.log(l);
  if (values.out) {
    const days = Number(values.days);
    if (!(days > 0)) throw new Error('--days must be a positive number');
    const model = new CountyModel(region, settings.SIMULATE_SEED, settings.TZ_CENTER);
    const end = Date.now();
    const start = end - days * 24 * HOUR;
    const out = fs.createWriteStream(values.out);
    let n = 0;
    for (const e of model.initialUnits(start)) { out.write(`${JSON.stringify(e.event)}\n`); n++; }
    for (let h = Math.floor(start / HOUR); h * HOUR < end; h++) {
      for (const e of model.eventsInHour(h, false)) {
        if (e.t < start || e.t >= end) continue;
        out.write(`${JSON.stringify(e.event)}\n`);
        n++;
      }
    }
    await new Promise<void>((r) => out.end(r));
    log(`[sim] wrote ${n} events (${days} days) to ${values.out}`);
    return;
  }
  const { publisher, target } = await cliPublisher(settings, log);
  const sim = startSimulator({ publisher, region, settings, log });
  log(`[sim] feeding ${region.meta.name} to ${target} (seed ${settings.SIMULATE_SEED}, speed ×${settings.SIMULATE_SPEED})`);
  const stop = async () => { await sim.stop(); await publisher.close(); process.exit(0); };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  setInterval(() => undefined, 1 << 30); // the simulator's own timer is unref'd
}

main().catch((err: Error) => {
  console.error(`[sim] ${err.message}`);
  process.exit(1);
});
