import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signGatewayRequest, signSubscription, SUBSCRIPTION_AUTH_EXTENSION } from '@hub/auth';
import type { HubContext } from './create-gateway';
import { subgraphStream } from './subgraph-stream';

type SubgraphExecutePayload = Parameters<NonNullable<GatewayPlugin['onSubgraphExecute']>>[0];
type Executor = SubgraphExecutePayload['executor'];
type ExecutionRequest = SubgraphExecutePayload['executionRequest'];

/** How long a socket to a subgraph stays open after its last subscription ends (as in Hive's own ws transport). */
const IDLE_SOCKET_MS = 3_000;

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
 * subgraph, and the caller subscribes again, with `after:` its last deal event. Each
 * subscription holds a bounded number of results for a slow reader (see subgraphStream); the
 * library's own iterator would hold everything the subgraph sent.
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
      const payload = { query: print(request.document), variables: request.variables, operationName: request.operationName, extensions: request.extensions };
      const stream = subgraphStream(subgraphName, (sink) => client.subscribe(payload, sink));
      const signal = request.signal ?? request.info?.signal;
      signal?.addEventListener('abort', () => void stream.return?.(), { once: true });
      return stream;
    };
    return Object.assign(execute as Executor, { [Symbol.asyncDispose]: async () => client.dispose() });
  },
};

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
