import { describe, expect, it } from 'vitest';
import { startGatewayTracing } from './telemetry';

describe('the gateway traces only when an OTLP endpoint is configured', () => {
  it('adds no plugin and starts no SDK without one', async () => {
    expect(await startGatewayTracing({ env: {} })).toBeUndefined();
    expect(await startGatewayTracing({ env: { OTEL_SERVICE_NAME: 'hub-gateway' } })).toBeUndefined();
  });
});
