export * from './test-database';
export * from './query-count';
export * from './subgraph-client';
export * from './row-counts';
export * from './redis-server';
