import 'reflect-metadata';
export * from './connection';
export * from './errors';
export * from './money.type';
export * from './scalars';
export * from './subgraph-schema';
export * from './subgraph-server';
export * from './subgraph-module';
export * from './loaders';
