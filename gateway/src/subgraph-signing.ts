import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, print, type ExecutionResult, type FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signGatewayRequest, signSubscription, SUBSCRIPTION_AUTH_EXTENSION } from '@hub/auth';
import type { HubContext } from './create-gateway';
import { subgraphUnavailable } from './upstream-resilience';

type SubgraphExecutePayload = Parameters<NonNullable<GatewayPlugin['onSubgraphExecute']>>[0];
type Executor = SubgraphExecutePayload['executor'];
type ExecutionRequest = SubgraphExecutePayload['executionRequest'];

/** How long a socket to a subgraph stays open after its last subscription ends (as in Hive's own ws transport). */
const IDLE_SOCKET_MS = 3_000;

/** A result as it arrives from a subgraph over graphql-ws (plain JSON errors), or one the gateway made. */
type StreamResult = ExecutionResult | FormattedExecutionResult;

/**
 * The transport of subscriptions to subgraphs (kind `ws`), in place of @graphql-mesh/transport-ws.
 * That one's graphql-ws client reconnects by itself when the socket to a subgraph closes and
 * sends the same subscribe message again: the same single-use signature, which a subgraph back
 * within the retry's 1 to 3 s refuses as a replay (UNAUTHENTICATED), while one still down ends
 * the stream with DOWNSTREAM_SERVICE_ERROR and its address in the message. A fresh signature on
 * the resent message would not be enough either: the events committed while the socket was down
 * would be lost, since the resent operation still carries its first `after:`. So this client
 * never reconnects: when the socket closes (the subgraph killed, crashed, or draining for a
 * restart with 1012), the stream ends at once with a retryable SUBGRAPH_UNAVAILABLE naming the
 * subgraph, and the caller subscribes again, with `after:` its last deal event.
 */
export const subscriptionTransport = {
  getSubgraphExecutor({ subgraphName, transportEntry }: { subgraphName: string; transportEntry: { location?: string } }): Executor & AsyncDisposable {
    if (!transportEntry.location) throw new Error(`The ${subgraphName} subgraph's subscriptions have no location`);
    const client = createClient({
      url: transportEntry.location.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: IDLE_SOCKET_MS,
      retryAttempts: 0,
    });
    const execute = (request: ExecutionRequest) => {
      const upstream = client.iterate<Record<string, unknown>, Record<string, unknown>>({
        query: print(request.document),
        variables: request.variables,
        operationName: request.operationName,
        extensions: request.extensions,
      });
      const signal = request.signal ?? request.info?.signal;
      signal?.addEventListener('abort', () => void upstream.return?.(), { once: true });
      return endsUnavailable(subgraphName, upstream);
    };
    return Object.assign(execute as Executor, { [Symbol.asyncDispose]: async () => client.dispose() });
  },
};

/**
 * graphql-ws rejects with the subgraph's own GraphQL errors as an array; with anything else (a
 * close event, the socket's error event when it could not connect) the connection was lost.
 */
const lostConnection = (thrown: unknown) => !Array.isArray(thrown);

/**
 * Passes the subgraph's results on; a lost connection becomes one last SUBGRAPH_UNAVAILABLE
 * result, then the end. Not an async generator: its `return` would wait for the pending event,
 * and a caller who unsubscribes must release the subgraph's subscription at once.
 */
function endsUnavailable(subgraph: string, upstream: AsyncIterableIterator<StreamResult>): AsyncIterableIterator<StreamResult> {
  let ended = false;
  const iterator: AsyncIterableIterator<StreamResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      if (ended) return { done: true, value: undefined };
      try {
        return await upstream.next();
      } catch (error) {
        if (!lostConnection(error)) throw error;
        ended = true;
        return { done: false, value: { errors: [subgraphUnavailable(subgraph, 'UNREACHABLE')] } };
      }
    },
    return: async () => {
      ended = true;
      await upstream.return?.();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

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
