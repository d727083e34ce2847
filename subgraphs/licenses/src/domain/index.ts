export * from './catalog';
export * from './errors';
export * from './license-state';
export * from './months';
export * from './term';
export * from './usage-rating';
export * from './usage-report';
