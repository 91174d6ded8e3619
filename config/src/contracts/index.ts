export * from './codes';
export * from './events';
export * from './incident-states';
export * from './keys';
export * from './rejections';
export * from './storable';
export * from './topics';
export * from './unit-transitions';
