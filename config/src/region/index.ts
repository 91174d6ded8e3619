export * from './schema';
export * from './geometry';
export * from './load';
export * from './grid-index';
export * from './label-point';
