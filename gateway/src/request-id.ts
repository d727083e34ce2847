import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { HubContext } from './create-gateway';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Carries the request's id (chosen by the router from the client's sane `x-request-id`, or new)
 * into the gateway's per-request log lines and onto every subgraph fetch of that request, where
 * the subgraph's audit scope and log lines pick it up. Replaces the runtime's own request-id
 * plugin, which would trust any value a client sends.
 */
export function useRequestIds(): GatewayPlugin<HubContext> {
  return {
    onRequest({ serverContext }) {
      const context = serverContext as Partial<HubContext> & { log?: { child(attrs: Record<string, unknown>): unknown } };
      if (context.requestId && context.log) context.log = context.log.child({ requestId: context.requestId }) as typeof context.log;
    },
    onFetch({ context, options, setOptions }) {
      const requestId = 'requestId' in context ? context.requestId : undefined;
      if (typeof requestId !== 'string') return;
      setOptions({ ...options, headers: { ...options.headers, [REQUEST_ID_HEADER]: requestId } });
    },
  };
}
