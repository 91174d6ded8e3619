/** The partition key of each topic: the entity whose events must stay in order. */
import type { Topic } from './events';

type Keyed = Record<string, unknown>;
const field = (name: string) => (v: unknown): string | undefined => {
  const x = (v as Keyed | null)?.[name];
  return typeof x === 'string' ? x : undefined;
};

export const PARTITION_KEY: Record<Topic, (v: unknown) => string | undefined> = {
  'police.calls': field('id'),
  'camera.alerts': field('cameraId'),
  'case.status': field('caseId'),
  'unit.status': field('unitId'),
  'dispatch.commands': field('incidentId'),
};
