export * from './catalog';
export * from './conflict';
export * from './errors';
export * from './lifecycle';
export * from './lines';
export * from './segment';
export * from './validity';
