export * from './clawback';
export * from './deal-rules';
export * from './facts';
export * from './lines';
export * from './periods';
export * from './quote';
export * from './rules';
export * from './volume-rebate';
