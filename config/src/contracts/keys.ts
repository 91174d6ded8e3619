/** The partition key of each topic, for raw (not yet validated) values as publishers hand them on. */
import type { Topic } from './events';
import { TOPIC_DESCRIPTORS } from './topics';

type KeyOf = (v: unknown) => string | undefined;

function partitionKeyOf(topic: Topic): KeyOf {
  const name = TOPIC_DESCRIPTORS[topic].partitionField;
  return (v) => {
    if (typeof v !== 'object' || v === null) return undefined;
    const x: unknown = Reflect.get(v, name);
    return typeof x === 'string' ? x : undefined;
  };
}

export const PARTITION_KEY: Readonly<Record<Topic, KeyOf>> = {
  'police.calls': partitionKeyOf('police.calls'),
  'camera.alerts': partitionKeyOf('camera.alerts'),
  'case.status': partitionKeyOf('case.status'),
  'unit.status': partitionKeyOf('unit.status'),
  'dispatch.commands': partitionKeyOf('dispatch.commands'),
};
