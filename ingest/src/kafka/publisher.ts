/** Publisher over a kafkajs producer: events keyed by their entity so each entity's events stay in order. */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Publisher } from '../sources/source';

export async function kafkaPublisher(kafka: Kafka, topicPrefix = ''): Promise<Publisher & { producer: Producer }> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  return {
    producer,
    async send(topic, values, keyOf) {
      if (values.length === 0) return;
      await producer.send({
        topic: topicPrefix + topic,
        acks: -1,
        messages: values.map((v) => ({ key: keyOf?.(v) ?? null, value: typeof v === 'string' ? v : JSON.stringify(v) })),
      });
    },
    close: () => producer.disconnect(),
  };
}
