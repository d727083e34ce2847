import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST } from 'graphql';
import { signGatewayRequest, signSubscription, SUBSCRIPTION_AUTH_EXTENSION } from '@hub/auth';
import type { HubContext } from './create-gateway';

/**
 * Subscriptions go to subgraphs over graphql-ws, where `onFetch` never runs: the caller's claims
 * travel signed in the subscribe message's extensions, and the subgraph verifies them there.
 */
export function useSignedSubscriptions(gatewaySecret: string): GatewayPlugin<HubContext> {
  return {
    onSubgraphExecute({ executionRequest }) {
      if (getOperationAST(executionRequest.document, executionRequest.operationName)?.operation !== 'subscription') return;
      const context = (executionRequest.context ?? {}) as HubContext;
      executionRequest.extensions = {
        ...executionRequest.extensions,
        [SUBSCRIPTION_AUTH_EXTENSION]: signSubscription(gatewaySecret, context.claims ?? null),
      };
    },
  };
}

/**
 * Signs every subgraph request with the caller's claims over the exact body that is sent (the
 * query string for a GET), as the subgraphs verify those bytes. Runs as the last `onFetch` hook,
 * after anything else that could have changed the request.
 */
export function useSignedSubgraphRequests(gatewaySecret: string): GatewayPlugin<HubContext> {
  return {
    onFetch({ url, options, context, setOptions }) {
      const claims = 'claims' in context ? (context.claims ?? null) : null;
      const method = (options.method ?? 'GET').toUpperCase();
      const signed = method === 'GET' ? new URL(url).search : options.body;
      if (typeof signed !== 'string') throw new Error(`Cannot sign a ${method} subgraph request whose body is not a string`);
      setOptions({ ...options, headers: { ...options.headers, ...signGatewayRequest(gatewaySecret, claims, signed) } });
    },
  };
}

