/** The in-process bus as a pipeline source and publisher (embedded mode). */
import { TOPICS } from '@watchfloor/config/contracts';
import type { InProcessBus } from '../bus/in-process-bus';
import type { EventSource, Publisher } from './source';

export function busSource(bus: InProcessBus): EventSource {
  const unsubs: (() => void)[] = [];
  return {
    name: 'bus',
    async start(handler) {
      for (const topic of TOPICS) {
        unsubs.push(bus.subscribe(topic, async (_t, values) => {
          await handler(topic, values.map((value) => ({ value })), 'bus');
        }));
      }
    },
    async stop() {
      unsubs.splice(0).forEach((u) => u());
    },
  };
}

export function busPublisher(bus: InProcessBus): Publisher {
  return {
    send: (topic, values) => bus.publish(topic, values),
    async close() {},
  };
}
