/** Development-only defaults; production deployments must set their own secrets. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_GATEWAY_SECRET = 'dev-only-gateway-signing-secret-0123456789';
