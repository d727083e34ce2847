import type { ServerResponse } from 'node:http';

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
