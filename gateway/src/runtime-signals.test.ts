import { describe, expect, it } from 'vitest';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { keepRuntimeThroughSignals } from './runtime-signals';

const SDL = /* GraphQL */ `
  schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
  directive @join__graph(name: String!, url: String!) on ENUM_VALUE
  directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
  scalar link__Import
  enum link__Purpose { SECURITY EXECUTION }
  enum join__Graph { A @join__graph(name: "a", url: "http://127.0.0.1:1/graphql") }
  type Query { hello: String }
`;

describe("the Hive runtime's own signal listeners", () => {
  it('are taken off, so SIGTERM no longer disposes the runtime before the drain', async () => {
    const before = process.listeners('SIGTERM').length;
    const runtime = createGatewayRuntime({ supergraph: SDL, logging: false });
    try {
      const adapterListeners = () => process.listeners('SIGTERM').filter((listener) => listener.name === 'terminateHandler');
      void (runtime as { disposableStack?: unknown }).disposableStack;
      // The adapter did register one (else this test proves nothing) ...
      expect(adapterListeners().length).toBeGreaterThan(0);
      expect(keepRuntimeThroughSignals(runtime)).toBeGreaterThan(0);
      // ... and none is left, whatever else listens.
      expect(adapterListeners()).toEqual([]);
      expect(process.listeners('SIGTERM').length).toBeLessThanOrEqual(before);
    } finally {
      await runtime.dispose();
    }
  });
});
