import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST } from 'graphql';
import { signGatewayRequest, signSubscription, SUBSCRIPTION_AUTH_EXTENSION } from '@hub/auth';
import type { HubContext } from './create-gateway';

/**
 * Subscriptions go to subgraphs over graphql-ws, where `onFetch` never runs: the caller's claims
 * travel signed, for that subgraph and with a fresh nonce, in the subscribe message's extensions.
 */
export function useSignedSubscriptions(gatewaySecret: string): GatewayPlugin<HubContext> {
  return {
    onSubgraphExecute({ subgraphName, executionRequest }) {
      if (getOperationAST(executionRequest.document, executionRequest.operationName)?.operation !== 'subscription') return;
      const context = (executionRequest.context ?? {}) as HubContext;
      executionRequest.extensions = {
        ...executionRequest.extensions,
        [SUBSCRIPTION_AUTH_EXTENSION]: signSubscription({ secret: gatewaySecret, subgraph: subgraphName, claims: context.claims ?? null }),
      };
    },
  };
}

/**
 * Signs every subgraph request with the caller's claims over the exact body that is sent (the
 * query string for a GET), for the subgraph it goes to, as the subgraphs verify exactly that.
 * Runs as the last `onFetch` hook, after anything else that could have changed the request. The
 * runtime names the subgraph on the execution request; a fetch without one is not a subgraph
 * request this gateway may sign.
 */
export function useSignedSubgraphRequests(gatewaySecret: string): GatewayPlugin<HubContext> {
  return {
    onFetch({ url, options, context, executionRequest, setOptions }) {
      const subgraph = executionRequest?.subgraphName;
      if (subgraph === undefined) throw new Error(`Cannot sign a request to ${new URL(url).origin}: it names no subgraph`);
      const claims = 'claims' in context ? (context.claims ?? null) : null;
      const method = (options.method ?? 'GET').toUpperCase();
      const body = method === 'GET' ? new URL(url).search : options.body;
      if (typeof body !== 'string') throw new Error(`Cannot sign a ${method} subgraph request whose body is not a string`);
      setOptions({ ...options, headers: { ...options.headers, ...signGatewayRequest({ secret: gatewaySecret, subgraph, claims, body }) } });
    },
  };
}
