import type { ServerResponse } from 'node:http';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, GraphQLError, parse } from 'graphql';

/**
 * A bound on the GraphQL requests the gateway works on at once. Past it a request is refused at
 * once (503, Retry-After) rather than queued: under twice the load it can serve, a queue only
 * grows, and every caller waits longer for the same answers. Counting requests until their
 * response closes is all it takes; the libraries that shed on event-loop lag (toobusy-js,
 * overload-protection) react only after latency has already grown, and cannot tell a
 * subscription stream from a request.
 */
export class InFlightLimit {
  private current = 0;
  private shedCount = 0;

  constructor(readonly max: number) {}

  /** Counts the request until its response closes; false when the gateway is full. */
  enter(res: ServerResponse): boolean {
    if (this.current >= this.max) {
      this.shedCount += 1;
      return false;
    }
    this.current += 1;
    res.once('close', () => {
      this.current -= 1;
    });
    return true;
  }

  get inFlight(): number {
    return this.current;
  }

  /** Requests refused since the start. */
  get shed(): number {
    return this.shedCount;
  }
}

/** How long a refused client is asked to wait: the queue drains in well under a second. */
export const SHED_RETRY_AFTER_SECONDS = 1;

/** Subscriptions over SSE hold their response open for as long as they run: not requests in flight. */
export const isEventStream = (accept: string | undefined) => (accept ?? '').includes('text/event-stream');

export const OVERLOADED_MESSAGE = 'The gateway is at capacity; retry shortly.';
export const OVERLOADED_EXTENSIONS = { code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'OVERLOADED' } as const;

/** Whether the request's operation is a subscription; a query that does not parse is not (validation answers it). */
function isSubscription(query: unknown, operationName: string | undefined): boolean {
  if (typeof query !== 'string') return false;
  try {
    return getOperationAST(parse(query), operationName)?.operation === 'subscription';
  } catch {
    return false;
  }
}

/**
 * The router lets every request that accepts SSE past the in-flight bound, since it cannot tell a
 * subscription from a query before the body is read. Any query can be asked for as SSE, so that
 * header alone would skip the bound: here, once the operation is known, a query or mutation over
 * SSE takes its slot like any other request, and is answered SERVICE_UNAVAILABLE when none is free.
 */
export function useInFlightForSseOperations(inFlight: InFlightLimit, onShed: () => void): GatewayPlugin {
  return {
    onParams({ params, request, context, setResult }) {
      if (!isEventStream(request.headers.get('accept') ?? undefined)) return;
      const res = (context as { res?: ServerResponse }).res;
      if (!res || isSubscription(params.query, params.operationName)) return;
      if (inFlight.enter(res)) return;
      onShed();
      setResult({ errors: [new GraphQLError(OVERLOADED_MESSAGE, { extensions: OVERLOADED_EXTENSIONS })] });
    },
  };
}
