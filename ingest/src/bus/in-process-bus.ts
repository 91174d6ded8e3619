/**
 * The embedded mode's stand-in for Kafka: topics with ordered, batched delivery inside
 * one process. Queues are bounded; a publisher that outruns its consumer waits (the
 * same back-pressure a full Kafka producer buffer gives) instead of growing memory.
 */
export type BusHandler = (topic: string, values: unknown[]) => Promise<void>;

interface TopicQueue {
  items: unknown[];
  draining: boolean;
  handlers: BusHandler[];
  waiters: (() => void)[];
}

export interface InProcessBus {
  publish(topic: string, values: readonly unknown[]): Promise<void>;
  subscribe(topic: string, handler: BusHandler): () => void;
  /** Resolves when every queue is empty and no delivery is running. */
  idle(): Promise<void>;
  depth(): number;
}

export function createInProcessBus(opts: { batchSize?: number; highWater?: number; onError?: (topic: string, err: Error) => void } = {}): InProcessBus {
  const batchSize = opts.batchSize ?? 1000;
  const highWater = opts.highWater ?? 50_000;
  const topics = new Map<string, TopicQueue>();
  const idleWaiters: (() => void)[] = [];

  const queueOf = (topic: string): TopicQueue => {
    let q = topics.get(topic);
    if (!q) topics.set(topic, (q = { items: [], draining: false, handlers: [], waiters: [] }));
    return q;
  };
  const depth = () => [...topics.values()].reduce((n, q) => n + q.items.length, 0);
  const busy = () => [...topics.values()].some((q) => q.draining || (q.items.length > 0 && q.handlers.length > 0));
  const wakeIdle = () => {
    if (!busy()) idleWaiters.splice(0).forEach((w) => w());
  };

  async function drain(topic: string, q: TopicQueue): Promise<void> {
    if (q.draining || q.handlers.length === 0) return;
    q.draining = true;
    try {
      while (q.items.length > 0 && q.handlers.length > 0) {
        const batch = q.items.splice(0, batchSize);
        for (const h of q.handlers) {
          try {
            await h(topic, batch);
          } catch (err) {
            // Unlike Kafka there is no redelivery: a handler must dead-letter, not throw.
            opts.onError?.(topic, err as Error);
          }
        }
        if (q.items.length < highWater) q.waiters.splice(0).forEach((w) => w());
      }
    } finally {
      q.draining = false;
      wakeIdle();
    }
  }

  return {
    async publish(topic, values) {
      const q = queueOf(topic);
      while (q.items.length >= highWater && q.handlers.length > 0) await new Promise<void>((r) => q.waiters.push(r));
      for (const v of values) q.items.push(v);
      queueMicrotask(() => void drain(topic, q));
    },
    subscribe(topic, handler) {
      const q = queueOf(topic);
      q.handlers.push(handler);
      queueMicrotask(() => void drain(topic, q));
      return () => {
        q.handlers = q.handlers.filter((h) => h !== handler);
      };
    },
    idle() {
      if (!busy()) return Promise.resolve();
      return new Promise<void>((r) => idleWaiters.push(r));
    },
    depth,
  };
}
