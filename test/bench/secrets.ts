/** Secrets shared by the benchmark's hub process and its load generator; benchmark use only. */
export const BENCH_JWT_SECRET = 'bench-jwt-secret-at-least-32-characters-long';
export const BENCH_GATEWAY_SECRET = 'bench-gateway-secret-at-least-32-characters';
