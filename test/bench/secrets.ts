/** Secrets shared by the benchmark's hub process and its load generator; benchmark use only. */
export const BENCH_JWT_SECRET = 'bench-jwt-secret-at-least-32-characters-long';
export const BENCH_GATEWAY_SECRET = 'bench-gateway-secret-at-least-32-characters';
/** Seals the deals subgraph's webhook secrets in the benchmark hub (production mode requires one). */
export const BENCH_WEBHOOK_SECRET_KEY = '62656e63682d776562686f6f6b2d7365637265742d6b65792d33322d62797465';
