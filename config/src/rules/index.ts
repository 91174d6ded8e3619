export * from './warning';
export * from './schema';
export * from './load';
export * from './watch';
