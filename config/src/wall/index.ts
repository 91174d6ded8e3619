export * from './types';
export * from './reducer';
export * from './protocol';
export * from './headline';
export * from './replay';
export * from './area';
export * from './view';
