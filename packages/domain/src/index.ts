export * from './errors';
export * from './dates';
export * from './money';
export * from './country-codes';
export * from './clock';
export * from './end-customer';
