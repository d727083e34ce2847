import { setMaxListeners } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { streamUntil } from './stream-until';

/** graphql-ws close code for a server going away to restart: the client reconnects, to another instance. */
export const SERVICE_RESTART_CLOSE_CODE = 1012;

export const RESTARTING_MESSAGE = 'The gateway is restarting: subscribe again (another instance will answer).';

/** A stream's last result when the gateway drains: retryable, and naming nothing internal. */
const restartingResult = (): ExecutionResult => ({
  errors: [new GraphQLError(RESTARTING_MESSAGE, { extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'RESTARTING' } })],
});

/**
 * A drain waits until no request has arrived for this long before closing the keep-alive
 * connections left idle: a busy client gets `Connection: close` on its next answer and moves
 * on; cutting an idle connection at once races a request its client may be sending on it.
 */
const DRAIN_QUIET_MS = 250;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Passes a stream's results through until `signal` aborts, then sends `last` and ends it (releasing upstream). */
export function untilDrained<T>(stream: AsyncIterable<T>, signal: AbortSignal, last: () => T): AsyncIterableIterator<T> {
  return streamUntil(stream, signal, last);
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The gateway's drain on SIGTERM (see create-gateway's close): /readyz answers 503 at once,
 * the listener accepts no new connection, requests in flight finish and every answer from then
 * on says `Connection: close`, subscriptions (SSE and graphql-ws) end with a retryable
 * SERVICE_UNAVAILABLE result then complete, graphql-ws sockets close with 1012, and after a
 * grace whatever is left is cut.
 */
export class GatewayDrain {
  private readonly controller = new AbortController();
  private readonly answering = new Set<ServerResponse>();
  private inFlight = 0;
  private lastRequestAt = 0;
  private settled: (() => void) | undefined;

  constructor() {
    // One listener per open subscription: thousands are normal, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  get draining(): boolean {
    return this.controller.signal.aborted;
  }

  /** Call first for every HTTP request the server takes. */
  track(_req: IncomingMessage, res: ServerResponse): void {
    this.inFlight += 1;
    this.lastRequestAt = Date.now();
    this.answering.add(res);
    if (this.draining) res.setHeader('connection', 'close');
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      this.answering.delete(res);
      if (this.inFlight === 0) this.settled?.();
    };
    res.once('finish', finished);
    res.once('close', finished);
  }

  /** Ends every subscription stream with the restart result once the drain starts. */
  plugin(): GatewayPlugin {
    const signal = this.controller.signal;
    return {
      onSubscribe() {
        return {
          onSubscribeResult({ result, setResult }) {
            if (isAsyncIterable(result)) setResult(untilDrained(result as AsyncIterable<ExecutionResult>, signal, restartingResult));
          },
        };
      },
    };
  }

  /**
   * Drains `server`; `closeWebSockets` then closes the graphql-ws sockets (with 1012). Resolves
   * once every connection is gone, at most about `graceMs` after it was called.
   */
  async drain(server: Server, graceMs: number, closeWebSockets: () => Promise<void>): Promise<void> {
    this.controller.abort();
    for (const res of this.answering) if (!res.headersSent) res.setHeader('connection', 'close');
    // net.Server's close: no new connection. http.Server's would also cut idle keep-alive
    // connections at once (see DRAIN_QUIET_MS); they are closed below.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    const deadline = Date.now() + graceMs;
    // A streamed answer (SSE) ends once its final result is written; give it that moment.
    while (Date.now() < deadline && (this.inFlight > 0 || Date.now() - this.lastRequestAt < DRAIN_QUIET_MS)) {
      await Promise.race([new Promise<void>((resolve) => (this.settled = resolve)), delay(Math.min(DRAIN_QUIET_MS, Math.max(0, deadline - Date.now())))]);
    }
    server.closeAllConnections();
    await closeWebSockets();
    await closed;
  }
}
