export * from './claims';
export * from './gateway-signature';
export * from './jwt';
export * from './nonce-store';
