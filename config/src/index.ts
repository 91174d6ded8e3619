export * from './contracts';
export * from './settings';
