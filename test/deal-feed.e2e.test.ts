import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createWsClient } from 'graphql-ws';
import { Kind, parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import WebSocket from 'ws';
import { dealsSubgraph } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { resumeAfter } from '@hub/gateway/sse-resume';
import { post, startHub, type RunningHub } from './support/hub';

const EVENT = 'id kind deal { id distributor { id } partner { name } }';

interface FeedEvent {
  id: string;
  kind: string;
  deal: { id: string; distributor: { id: string } | null; partner: { name: string } };
}

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads a GraphQL-over-SSE response as an EventSource would: each event's `id`, `event` and
 * `data` fields, until told to stop (the connection dropping).
 */
async function openSse(url: string, token: string, query: string, lastEventId?: string) {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (fields.has('event')) events.push({ id: fields.get('id'), event: fields.get('event')!, data: fields.get('data') ?? '' });
      }
    }
  })().catch(() => undefined);
  return {
    events,
    next: () => events.filter((e) => e.event === 'next').map((e) => ({ id: e.id, update: (JSON.parse(e.data) as { data: { dealUpdated: FeedEvent } }).data.dealUpdated })),
    drop: async () => {
      abort.abort();
      await reading;
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('gap-free deal feeds through the gateway (MariaDB)', () => {
  let hub: RunningHub;
  let admin: string;
  /** A partner buying through `ours`, and one buying through another distributor only. */
  let mine: { id: string; distributorId: string };
  let theirs: { id: string; distributorId: string };
  let integration: string;

  const register = async (partner: { id: string; distributorId: string }): Promise<string | undefined> => {
    const result = await post(
      hub.url,
      {
        query: `mutation ($i: RegisterDealInput!) { registerDeal(input: $i) { id } }`,
        variables: {
          i: {
            partnerId: partner.id,
            distributorId: partner.distributorId,
            endCustomer: { name: `Feed Customer ${Math.random()}`, country: 'FR' },
            type: 'NEW_CUSTOMER',
            productLine: 'NETWORK',
            lines: [{ sku: 'NETWORK-ADV-T', seats: 40, unitPrice: '1000.00' }],
            expectedCloseDate: '2099-12-31',
          },
        },
      },
      admin,
    );
    return (result.json.data as { registerDeal: { id: string } } | null)?.registerDeal.id;
  };
  const registered = async (partner: { id: string; distributorId: string }): Promise<string> => {
    const id = await register(partner);
    if (!id) throw new Error('registration refused');
    return id;
  };

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph], { database: 'mysql' });
    admin = await hub.token({ sub: 'admin', role: 'vendor_admin' });
    const listed = await post(hub.url, { query: '{ partners(first: 200, filter: { programCode: "FR-2023" }) { edges { node { id distributors { id } } } } }' }, admin);
    const partners = (listed.json.data as { partners: { edges: { node: { id: string; distributors: { id: string }[] } }[] } }).partners.edges.map((edge) => edge.node);
    // Deals through two different distributors (the second may be the same partner's other one).
    const pairs = partners.flatMap((partner) => partner.distributors.map((distributor) => ({ id: partner.id, distributorId: distributor.id })));
    mine = pairs[0]!;
    theirs = pairs.find((pair) => pair.distributorId !== mine.distributorId)!;
    integration = await hub.token({ sub: 'integration', role: 'distributor', distributorId: mine.distributorId });
    // Partner facts and the catalog reach deals through the event bus: wait until a registration is accepted.
    const deadline = Date.now() + 20_000;
    while (!(await register(mine)) || !(await register(theirs))) {
      if (Date.now() > deadline) throw new Error('deals never learned about the demo partners and the catalog');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => hub?.close());

  it('graphql-ws: a distributor back after ten changes gets exactly those ten, then live ones, and none of another distributor', async () => {
    const connect = () => createWsClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${integration}` }, retryAttempts: 0 });
    const follow = (after?: string) => {
      const client = connect();
      const received: FeedEvent[] = [];
      const errors: unknown[] = [];
      const iterator = client.iterate<{ dealUpdated: FeedEvent }>({ query: `subscription ($after: ID) { dealUpdated(after: $after) { ${EVENT} } }`, variables: { after } });
      const reading = (async () => {
        for await (const result of iterator) {
          if (result.errors) errors.push(...result.errors);
          if (result.data) received.push(result.data.dealUpdated);
        }
      })().catch((error: unknown) => errors.push(error));
      return { received, errors, stop: async () => { await iterator.return?.(); await reading; await client.dispose(); } };
    };

    const first = follow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = await registered(mine);
    await until(() => first.received.some((event) => event.deal.id === seen), 'the first event');
    const lastId = first.received.at(-1)!.id;
    await first.stop();

    const missed: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      missed.push(await registered(mine));
      await registered(theirs);
    }
    const back = follow(lastId);
    try {
      await until(() => back.received.length >= 10, 'the ten missed events');
      const live = await registered(mine);
      await registered(theirs);
      await until(() => back.received.length >= 11, 'the live event');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(back.errors).toEqual([]);
      expect(back.received.map((event) => event.deal.id)).toEqual([...missed, live]);
      expect(back.received.every((event) => event.deal.distributor?.id === mine.distributorId)).toBe(true);
    } finally {
      await back.stop();
    }
  });

  it('SSE: each event carries its id, and a reconnect with Last-Event-ID gets exactly what was missed, then live ones', async () => {
    const query = `subscription { dealUpdated { ${EVENT} } }`;
    const first = await openSse(hub.url, integration, query);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = await registered(mine);
    await until(() => first.next().some((event) => event.update.deal.id === seen), 'the first SSE event');
    const events = first.next();
    // The SSE id is the event id: what an EventSource sends back as Last-Event-ID.
    expect(events.every((event) => event.id === event.update.id)).toBe(true);
    await first.drop();

    const missed: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      missed.push(await registered(mine));
      await registered(theirs);
    }
    const back = await openSse(hub.url, integration, query, events.at(-1)!.id);
    try {
      await until(() => back.next().length >= 10, 'the ten missed events over SSE');
      const live = await registered(mine);
      await until(() => back.next().length >= 11, 'the live event over SSE');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(back.next().map((event) => event.update.deal.id)).toEqual([...missed, live]);
      expect(back.next().every((event) => event.id === event.update.id)).toBe(true);
    } finally {
      await back.drop();
    }
  });

  it('dealEvents pages the same feed for an integration that polls, and a stale cursor is CURSOR_EXPIRED-coded or refused, never silently empty', async () => {
    const page = async (after: string | null) =>
      post(hub.url, { query: `query ($after: String) { dealEvents(first: 7, after: $after) { edges { cursor node { ${EVENT} } } pageInfo { hasNextPage endCursor } } }`, variables: { after } }, integration);
    const all: FeedEvent[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await page(after);
      expect(result.json.errors).toBeUndefined();
      const connection = (result.json.data as { dealEvents: { edges: { node: FeedEvent }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).dealEvents;
      all.push(...connection.edges.map((edge) => edge.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(all.length).toBeGreaterThanOrEqual(23);
    expect(all.every((event) => event.deal.distributor?.id === mine.distributorId)).toBe(true);
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);

    const unknown = await page('0190a3c6-0000-7000-8000-000000000000');
    expect(unknown.json.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    const garbage = await page('yesterday');
    expect(garbage.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('Last-Event-ID onto dealUpdated(after:)', () => {
  const id = '0190a3c6-0000-7000-8000-000000000001';

  it('sets the variable `after` is bound to, or adds the argument, and leaves other operations alone', () => {
    expect(resumeAfter('subscription ($a: ID) { dealUpdated(after: $a) { id } }', undefined, { a: 'old' }, id)?.variables).toEqual({ a: id });
    expect(resumeAfter('subscription { dealUpdated(distributorId: "d") { id } }', undefined, undefined, id)?.query).toContain(`dealUpdated(distributorId: "d", after: "${id}")`);
    expect(resumeAfter('subscription { dealUpdated(after: "old") { id } }', undefined, undefined, id)?.query).toContain(`dealUpdated(after: "${id}")`);
    expect(resumeAfter('query { dealUpdated: deals { totalCount } }', undefined, undefined, id)).toBeUndefined();
    expect(resumeAfter('subscription { jobUpdated(id: "j") { id } }', undefined, undefined, id)).toBeUndefined();
    expect(resumeAfter('subscription {', undefined, undefined, id)).toBeUndefined();
  });

  it('writes the header as a string value, whatever it holds', () => {
    const hostile = '") { id } } query { partners { edges { node { id } } } } #';
    const resumed = resumeAfter('subscription { dealUpdated { id } }', undefined, undefined, hostile)!;
    const document = parse(resumed.query);
    expect(document.definitions).toHaveLength(1);
    const field = (document.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
    expect(field.arguments?.map((argument) => [argument.name.value, argument.value.kind === Kind.STRING && argument.value.value])).toEqual([['after', hostile]]);
  });
});
