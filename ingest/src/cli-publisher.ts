/** The publisher a command-line tool uses: Kafka when KAFKA_BROKERS is set, else the running server over HTTP. */
import type { Settings } from '@watchfloor/config/settings';
import { createKafka } from './kafka/client';
import { kafkaPublisher } from './kafka/publisher';
import { httpPublisher } from './sources/http-publisher';
import type { Publisher } from './sources/source';

export async function cliPublisher(s: Settings, log: (l: string) => void): Promise<{ publisher: Publisher; target: string }> {
  if (!s.embeddedBus) {
    const kafka = createKafka({ brokers: s.KAFKA_BROKERS!, clientId: `${s.KAFKA_CLIENT_ID}-cli` });
    return { publisher: await kafkaPublisher(kafka, s.KAFKA_TOPIC_PREFIX), target: `Kafka ${s.KAFKA_BROKERS!.join(',')}` };
  }
  const url = s.WATCHFLOOR_URL ?? `http://localhost:${s.PORT}`;
  return { publisher: httpPublisher(url, s.INGEST_TOKEN, log), target: `${url}/api/ingest (embedded server's bus)` };
}
