import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST } from 'graphql';
import { REQUEST_ID_EXTENSION } from '@hub/graphql-kit/audit-plugin';
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
    // Subscriptions reach subgraphs over graphql-ws, without per-operation headers or onFetch:
    // the id rides in the subscribe message's extensions instead.
    onSubgraphExecute({ executionRequest }) {
      const requestId = (executionRequest.context as Partial<HubContext> | undefined)?.requestId;
      if (typeof requestId !== 'string') return;
      if (getOperationAST(executionRequest.document, executionRequest.operationName)?.operation !== 'subscription') return;
      executionRequest.extensions = { ...executionRequest.extensions, [REQUEST_ID_EXTENSION]: requestId };
    },
    onFetch({ context, options, setOptions }) {
      const requestId = 'requestId' in context ? context.requestId : undefined;
      if (typeof requestId !== 'string') return;
      setOptions({ ...options, headers: { ...options.headers, [REQUEST_ID_HEADER]: requestId } });
    },
  };
}
