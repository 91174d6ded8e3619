export * from './types';
export * from './reducer';
