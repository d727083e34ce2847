import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { dealLifecycle, eventually, prepareDemo, send, sleep, type Demo, type GraphQLError } from './load';
import { startTopology, type Topology } from './topology';

/**
 * What a client subscribed to `dealUpdated` through the gateway sees when the deals subgraph
 * dies (SIGKILL) or drains (SIGTERM) and comes back: its subscription ends within seconds with
 * a retryable SUBGRAPH_UNAVAILABLE naming deals (never UNAUTHENTICATED, never a hang), and
 * subscribing again with `after:` the last event it got delivers exactly the events it missed.
 */

const SUBSCRIPTION = 'subscription ($after: ID) { dealUpdated(after: $after) { id kind deal { id } } }';
const FEED = 'query ($after: String) { dealEvents(first: 500, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';

/** However the subgraph goes, the subscription must end well inside this. */
const ENDS_WITHIN_MS = 10_000;

const report = (what: string, figures: Record<string, unknown>) => console.log(`[faults] ${what}: ${JSON.stringify(figures)}`);

interface Follower {
  transport: 'graphql-ws' | 'sse';
  /** The ids of the events received, in order. */
  ids: string[];
  errors: GraphQLError[];
  /** When the stream ended (ms since the epoch), once it has. */
  endedAt?: number;
  ended: Promise<void>;
  stop(): Promise<void>;
}

/** An error as a client library hands it over: a GraphQL error, a list of them, or a close event. */
function asErrors(thrown: unknown): GraphQLError[] {
  if (Array.isArray(thrown)) return thrown as GraphQLError[];
  if (typeof thrown === 'object' && thrown !== null && 'code' in thrown && 'reason' in thrown) {
    const close = thrown as { code: number; reason: string };
    return [{ message: `socket closed ${close.code} ${close.reason}`, extensions: { code: `CLOSE_${close.code}` } }];
  }
  return [{ message: thrown instanceof Error ? thrown.message : String(thrown), extensions: { code: 'THROWN' } }];
}

function followWs(url: string, token: string, after?: string): Follower {
  const client = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
  const iterator = client.iterate<{ dealUpdated: { id: string } }>({ query: SUBSCRIPTION, variables: { after } });
  const follower: Follower = {
    transport: 'graphql-ws',
    ids: [],
    errors: [],
    ended: Promise.resolve(),
    stop: async () => {
      await iterator.return?.();
      await follower.ended;
      await client.dispose();
    },
  };
  follower.ended = (async () => {
      try {
        for await (const result of iterator) {
          if (result.errors) follower.errors.push(...(result.errors as GraphQLError[]));
          if (result.data?.dealUpdated) follower.ids.push(result.data.dealUpdated.id);
        }
      } catch (error) {
        follower.errors.push(...asErrors(error));
      } finally {
        follower.endedAt = Date.now();
      }
    })();
  return follower;
}

function followSse(url: string, token: string, after?: string): Follower {
  const abort = new AbortController();
  const follower: Follower = {
    transport: 'sse',
    ids: [],
    errors: [],
    ended: Promise.resolve(),
    stop: async () => {
      abort.abort();
      await follower.ended;
    },
  };
  follower.ended = (async () => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: SUBSCRIPTION, variables: { after } }),
          signal: abort.signal,
        });
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const fields = new Map(
              buffer
                .slice(0, end)
                .split('\n')
                .filter((line) => !line.startsWith(':'))
                .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()] as const),
            );
            buffer = buffer.slice(end + 2);
            if (fields.get('event') !== 'next') continue;
            const result = JSON.parse(fields.get('data') ?? '{}') as { data?: { dealUpdated?: { id: string } } | null; errors?: GraphQLError[] };
            if (result.errors) follower.errors.push(...result.errors);
            if (result.data?.dealUpdated) follower.ids.push(result.data.dealUpdated.id);
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) follower.errors.push(...asErrors(error));
      } finally {
        follower.endedAt = Date.now();
      }
    })();
  return follower;
}

const unavailableFromDeals = (errors: readonly GraphQLError[]) =>
  errors.length > 0 && errors.every((error) => error.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && error.extensions.subgraph === 'deals' && error.extensions.retryable === true);

describe('live deal subscriptions while the deals subgraph restarts', () => {
  let topology: Topology;
  let demo: Demo;

  beforeAll(async () => {
    topology = await startTopology();
    demo = await prepareDemo(topology);
  });
  afterAll(async () => {
    await topology?.close();
  });

  /** Every feed event after `after`, in commit order, as the deal feed query answers them. */
  const feedAfter = async (after: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let cursor: string | null = after; ; ) {
      const page = await send(topology.url, 'dealEvents', demo.admin, FEED, { after: cursor });
      const connection = (page.data as { dealEvents: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).dealEvents;
      ids.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) return ids;
      cursor = connection.pageInfo.endCursor;
    }
  };

  /** A deal registered, approved and won through the gateway: three feed events. */
  const changeDeals = async () => {
    const lifecycle = await dealLifecycle(topology.url, demo);
    expect(lifecycle.wonDealId, JSON.stringify(lifecycle.outcomes.map((o) => o.codes))).toBeDefined();
  };

  /** Until a change reaches every follower: each has subscribed all the way to deals. */
  const live = async (followers: readonly Follower[]) => {
    await eventually(
      'every subscriber to receive a change',
      async () => {
        const before = followers.map((follower) => follower.ids.length);
        await changeDeals();
        await sleep(1_000);
        return followers.every((follower, n) => follower.ids.length > before[n]!) ? true : undefined;
      },
      30_000,
      0,
    );
  };

  const whileRestarting = async (signal: 'SIGKILL' | 'SIGTERM') => {
    const followers = [followWs(topology.url, demo.admin), followSse(topology.url, demo.admin)];
    await live(followers);
    // Changes right before the signal: a subscriber may or may not have received them.
    await changeDeals();
    const signalledAt = Date.now();
    await topology.kill('deals', signal);
    await Promise.race([Promise.all(followers.map((follower) => follower.ended)), sleep(ENDS_WITHIN_MS * 3)]);

    // Subscribing while deals is down is answered at once, the same way.
    const whileDown = [followWs(topology.url, demo.admin), followSse(topology.url, demo.admin)];
    const downAt = Date.now();
    await Promise.race([Promise.all(whileDown.map((follower) => follower.ended)), sleep(ENDS_WITHIN_MS * 3)]);

    const restartedAt = Date.now();
    await topology.start('deals');
    const readyAt = Date.now();
    await eventually('deals to take changes through the gateway again', async () => ((await dealLifecycle(topology.url, demo)).wonDealId ? true : undefined), 30_000, 500);
    await changeDeals();

    const resumed = await Promise.all(
      followers.map(async (follower) => {
        const lastId = follower.ids.at(-1)!;
        const missed = await feedAfter(lastId);
        const back = follower.transport === 'sse' ? followSse(topology.url, demo.admin, lastId) : followWs(topology.url, demo.admin, lastId);
        try {
          await eventually(`${follower.transport} to catch up`, async () => (back.ids.length >= missed.length || back.endedAt ? true : undefined), 20_000);
          // Anything beyond the missed events would be a duplicate or a gap filled twice.
          await sleep(500);
        } finally {
          await back.stop();
        }
        return { follower, missed, back };
      }),
    );

    for (const { follower, missed, back } of resumed) {
      report(`deals ${signal} then restarted, ${follower.transport} subscriber`, {
        endedAfterMs: follower.endedAt === undefined ? 'still open' : follower.endedAt - signalledAt,
        errors: follower.errors.map((error) => ({ code: error.extensions?.code, subgraph: error.extensions?.subgraph, retryable: error.extensions?.retryable, message: error.message })),
        receivedBefore: follower.ids.length,
        missedWhileAway: missed.length,
        resumedWith: back.ids.length,
        resumedErrors: back.errors.map((error) => error.extensions?.code),
        restartToReadyMs: readyAt - restartedAt,
        repeated: [...follower.ids, ...back.ids].length - new Set([...follower.ids, ...back.ids]).size,
      });
    }
    for (const down of whileDown) {
      report(`deals down after ${signal}, ${down.transport} subscribes`, {
        endedAfterMs: down.endedAt === undefined ? 'still open' : down.endedAt - downAt,
        errors: down.errors.map((error) => ({ code: error.extensions?.code, subgraph: error.extensions?.subgraph, retryable: error.extensions?.retryable, message: error.message })),
      });
    }

    await Promise.all([...followers, ...whileDown].map((follower) => follower.stop()));

    for (const { follower, missed, back } of resumed) {
      expect(follower.endedAt! - signalledAt, `${follower.transport} ended`).toBeLessThan(ENDS_WITHIN_MS);
      expect(unavailableFromDeals(follower.errors), `${follower.transport}: ${JSON.stringify(follower.errors)}`).toBe(true);
      expect(back.errors, `${follower.transport} resumed`).toEqual([]);
      // The events committed after its last one (those before the signal it missed, those after
      // the restart), in commit order, once each.
      expect(missed.length).toBeGreaterThanOrEqual(6);
      expect(back.ids, `${follower.transport} resumed`).toEqual(missed);
      expect(new Set([...follower.ids, ...back.ids]).size).toBe(follower.ids.length + back.ids.length);
    }
    for (const down of whileDown) {
      expect(down.endedAt! - downAt, `${down.transport} while down`).toBeLessThan(ENDS_WITHIN_MS);
      expect(unavailableFromDeals(down.errors), `${down.transport} while down: ${JSON.stringify(down.errors)}`).toBe(true);
    }
  };

  it('ends graphql-ws and SSE subscriptions with a retryable SUBGRAPH_UNAVAILABLE when deals is killed, and `after:` resumes with no gap or duplicate', async () => {
    await whileRestarting('SIGKILL');
  });

  it('does the same when deals drains on SIGTERM for a redeploy', async () => {
    await whileRestarting('SIGTERM');
  });
});
