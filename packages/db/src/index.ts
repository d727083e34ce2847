export * from './columns';
export * from './data-source';
export * from './ids';
export * from './query-counter';
export * from './keyset';
export * from './migration-helpers';
export { lockNames } from './named-locks';
export * from './audit';
