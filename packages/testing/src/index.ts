export * from './test-database';
export * from './query-count';
