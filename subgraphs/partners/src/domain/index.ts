export * from './certified-staff';
export * from './errors';
export * from './grace-period';
export * from './partner-input';
export * from './specializations';
export * from './tier-capacity';
export * from './tier-history';
export * from './review';
