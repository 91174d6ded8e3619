/** Consumer-group lag per topic and partition, for /metrics (health sums it per topic). */
import type { Kafka } from 'kafkajs';

export async function lagByPartition(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<{ topic: string; partition: number; lag: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    const committed = await admin.fetchOffsets({ groupId, topics: present });
    const out: { topic: string; partition: number; lag: number }[] = [];
    for (const t of present) {
      const done = committed.find((c) => c.topic === t)?.partitions ?? [];
      for (const p of await admin.fetchTopicOffsets(t)) {
        const c = done.find((d) => d.partition === p.partition);
        const from = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
        out.push({ topic: t, partition: p.partition, lag: Math.max(0, Number(p.high) - from) });
      }
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}
