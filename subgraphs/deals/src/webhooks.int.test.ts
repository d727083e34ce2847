import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { addDays, adjustableClock } from '@hub/domain';
import { InProcessBus, ProcessedEventEntity, type DomainEvent } from '@hub/events';
import { fixtureEnvelope } from '@hub/contracts/fixtures';
import { payloadOf } from '@hub/contracts';
import { verifyWebhookSignature as readmeVerify } from '@hub/deals';
import { createTestDatabase, subgraphClient, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { verifyWebhookSignature } from './domain/webhooks';
import { DistributorRefEntity, PartnerRefEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { receiveTestCatalog, SKU } from './int-test-catalog';
import { dealEventType, type DealEventKind, type DealEventPayload } from './services/deal-events';
import { WebhookDispatcher } from './services/webhook-dispatcher';
import { fakeDns, SSRF_CASES, TEST_DNS } from './services/webhook-egress.fixtures';
import { enqueueWebhookDeliveries, WEBHOOKS_CONSUMER } from './services/webhooks.consumer';

const SECRET = 'integration-test-gateway-secret-0123456789';
const TOLERANCE_SECONDS = 300;
const TIMEOUT_MS = 500;
const LOCAL_RECEIVERS = { allowPrivate: true, httpsOnly: false };

const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const channelManager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const distributorClaims = (distributorId: string): Claims => ({ sub: `api@${distributorId.slice(0, 8)}`, role: 'distributor', distributorId });

const REGISTER_WEBHOOK = `mutation ($url: String!, $distributorId: ID) {
  registerWebhook(url: $url, distributorId: $distributorId) { secret endpoint { id url active createdAt distributor { id } } }
}`;
const DELIVERIES = `query ($filter: WebhookDeliveryFilter, $first: Int, $after: String) {
  webhookDeliveries(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id eventId eventType status attemptCount nextAttemptAt lastStatusCode lastError deliveredAt createdAt
      endpoint { id url } attempts { attemptedAt statusCode error durationMs } } }
  }
}`;
const ROTATE = `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id previousSecretExpiresAt } } }`;
const ENDPOINTS = `query ($distributorId: ID) { webhookEndpoints(distributorId: $distributorId) { id url active distributor { id } } }`;

interface EndpointView {
  id: string;
  url: string;
  active: boolean;
  distributor: { id: string };
}

interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  endpoint: { id: string; url: string };
  attempts: { attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number }[];
}

interface DeliveriesView {
  webhookDeliveries: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: DeliveryView }[] };
}

/** The same suite against MariaDB (production, CI) and the embedded SQLite default. */
describe.each([
  { dialect: 'mysql' as const },
  { dialect: 'sqlite' as const },
])('distributor webhooks on $dialect', ({ dialect }) => {
  // Starts at the real time, so receivers can check the signed timestamp against their own clock.
  const clock = adjustableClock(new Date().toISOString());
  const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms).toISOString());
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let server: Awaited<ReturnType<typeof createDealsServer>>;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let receiver: Receiver;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('webhooks') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    server = await createDealsServer({
      database,
      bus,
      gatewaySecret: SECRET,
      clock,
      // The tests dispatch themselves (`dispatchDue`), between moves of the clock; no jitter.
      // The receivers listen on loopback, which only WEBHOOK_ALLOW_PRIVATE=true lets through.
      webhooks: { intervalMs: 3_600_000, timeoutMs: TIMEOUT_MS, random: () => 0, allowPrivate: true },
    });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await receiveTestCatalog(bus, database);
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await close?.();
    await receiver?.close();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  async function must<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
    const result = await response;
    expect(result.errors).toBeUndefined();
    return result.data!;
  }

  async function register(distributorId: string, path: string): Promise<{ secret: string; endpoint: EndpointView }> {
    const data = await must(call<{ registerWebhook: { secret: string; endpoint: EndpointView } }>(distributorClaims(distributorId), REGISTER_WEBHOOK, { url: receiver.url(path) }));
    return data.registerWebhook;
  }

  async function deliveries(claims: Claims, filter: Record<string, unknown> = {}, page: { first?: number; after?: string } = {}) {
    return (await must(call<DeliveriesView>(claims, DELIVERIES, { filter, ...page }))).webhookDeliveries;
  }

  async function deliveryOf(distributorId: string, eventId: string): Promise<DeliveryView> {
    const page = await deliveries(distributorClaims(distributorId), { eventId });
    expect(page.totalCount).toBe(1);
    return page.edges[0]!.node;
  }

  /** Publishes deal events as the deals outbox would and waits until the webhooks consumer has taken them. */
  async function publish(...events: DomainEvent[]): Promise<void> {
    await bus.publish(events);
    await until(async () => (await database.dataSource.manager.countBy(ProcessedEventEntity, { consumer: WEBHOOKS_CONSUMER, eventId: events.at(-1)!.id })) === 1);
  }

  it('POSTs a deal event to the distributor\'s endpoint as JSON signed over the timestamp and the body', async () => {
    const distributorId = newId();
    const path = `/signed/${newId()}`;
    const { secret, endpoint } = await register(distributorId, path);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({ url: receiver.url(path), active: true, distributor: { id: distributorId } });

    const event = dealEvent('WON', distributorId);
    await publish(event);
    expect(await server.dispatcher.dispatchDue()).toBe(1);

    const [request, ...others] = receiver.requestsTo(path);
    expect(others).toEqual([]);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-hub-event-id']).toBe(event.id);
    expect(request!.headers['x-hub-event-type']).toBe('deal.won');
    const timestamp = request!.headers['x-hub-timestamp'] as string;
    expect(Number(timestamp)).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(JSON.parse(request!.body)).toEqual({ id: event.id, type: 'deal.won', version: 1, occurredAt: event.occurredAt, data: event.payload });

    const signature = request!.headers['x-hub-signature'] as string;
    expect(verifyWebhookSignature(secret, timestamp, request!.body, signature, TOLERANCE_SECONDS)).toBe(true);
    expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${request!.body}`).digest('hex')}`);
    expect(verifyWebhookSignature(`${secret}x`, timestamp, request!.body, signature, TOLERANCE_SECONDS)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, request!.body.replace('"deal.won"', '"deal.lost"'), signature, TOLERANCE_SECONDS)).toBe(false);

    const delivery = await deliveryOf(distributorId, event.id);
    expect(delivery).toMatchObject({ eventType: 'deal.won', status: 'DELIVERED', attemptCount: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, endpoint: { id: endpoint.id } });
    expect(delivery.deliveredAt).toBe(clock.now().toISOString());
    expect(delivery.attempts).toEqual([{ attemptedAt: clock.now().toISOString(), statusCode: 200, error: null, durationMs: expect.any(Number) }]);
  });

  it('retries a receiver that answered 500 after 10 s, logs both attempts and delivers once', async () => {
    const distributorId = newId();
    const path = `/flaky/${newId()}`;
    receiver.answer(path, [500, 200]);
    await register(distributorId, path);
    const event = dealEvent('APPROVED', distributorId);
    await publish(event);

    const firstAt = clock.now();
    expect(await server.dispatcher.dispatchDue()).toBe(1);
    let delivery = await deliveryOf(distributorId, event.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attemptCount: 1, lastStatusCode: 500, lastError: 'HTTP 500', deliveredAt: null });
    expect(delivery.nextAttemptAt).toBe(new Date(firstAt.getTime() + 10_000).toISOString());
    expect(delivery.attempts).toEqual([{ attemptedAt: firstAt.toISOString(), statusCode: 500, error: 'HTTP 500', durationMs: expect.any(Number) }]);

    // Not due yet: nothing is sent a millisecond before the backoff is over.
    expect(await server.dispatcher.dispatchDue()).toBe(0);
    advance(9_999);
    expect(await server.dispatcher.dispatchDue()).toBe(0);
    expect(receiver.requestsTo(path)).toHaveLength(1);

    advance(1);
    const secondAt = clock.now();
    expect(await server.dispatcher.dispatchDue()).toBe(1);
    delivery = await deliveryOf(distributorId, event.id);
    expect(delivery).toMatchObject({ status: 'DELIVERED', attemptCount: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: secondAt.toISOString() });
    expect(delivery.attempts.map(({ attemptedAt, statusCode, error }) => ({ attemptedAt, statusCode, error }))).toEqual([
      { attemptedAt: firstAt.toISOString(), statusCode: 500, error: 'HTTP 500' },
      { attemptedAt: secondAt.toISOString(), statusCode: 200, error: null },
    ]);

    advance(3_600_000);
    expect(await server.dispatcher.dispatchDue()).toBe(0);
    const requests = receiver.requestsTo(path);
    expect(requests.map((request) => request.headers['x-hub-event-id'])).toEqual([event.id, event.id]);
    expect(requests[1]!.headers['x-hub-timestamp']).toBe(String(Math.floor(secondAt.getTime() / 1000)));
  });

  it('backs off 10, 20, 40 … s on connection errors and timeouts and gives up after the 8th attempt', async () => {
    const refused = newId();
    const hanging = newId();
    const refusedEndpoint = (await must(call<{ registerWebhook: { endpoint: EndpointView } }>(distributorClaims(refused), REGISTER_WEBHOOK, { url: await closedPortUrl() }))).registerWebhook.endpoint;
    await register(hanging, `/hang/${newId()}`);
    const refusedEvent = dealEvent('WON', refused);
    const hangingEvent = dealEvent('WON', hanging);
    await publish(refusedEvent, hangingEvent);

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      expect(await server.dispatcher.dispatchDue()).toBe(2);
      const [a, b] = [await deliveryOf(refused, refusedEvent.id), await deliveryOf(hanging, hangingEvent.id)];
      expect([a.attemptCount, b.attemptCount]).toEqual([attempt, attempt]);
      if (attempt < 8) {
        expect(a).toMatchObject({ status: 'PENDING', lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });
        expect(b).toMatchObject({ status: 'PENDING', lastStatusCode: null, lastError: `no response within ${TIMEOUT_MS} ms` });
        const delay = new Date(a.nextAttemptAt!).getTime() - clock.now().getTime();
        delays.push(delay);
        advance(delay);
      } else {
        expect(a).toMatchObject({ status: 'FAILED', nextAttemptAt: null, deliveredAt: null, endpoint: { id: refusedEndpoint.id } });
        expect(b).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
        expect(a.attempts).toHaveLength(8);
        expect(a.attempts.every((logged) => logged.statusCode === null && logged.error?.includes('ECONNREFUSED'))).toBe(true);
        expect(b.attempts.every((logged) => logged.durationMs >= TIMEOUT_MS * 0.9)).toBe(true);
      }
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000]);
    advance(3_600_000);
    expect(await server.dispatcher.dispatchDue()).toBe(0);
    expect((await deliveries(distributorClaims(refused), { status: 'FAILED' })).totalCount).toBe(1);
  });

  it('creates one delivery per endpoint when the bus delivers the same event twice', async () => {
    const distributorId = newId();
    const path = `/twice/${newId()}`;
    await register(distributorId, path);
    const event = dealEvent('SUBMITTED', distributorId);
    // A marker after both copies: once it is processed, so are they.
    await publish(event, event, dealEvent('SUBMITTED', null));

    // Even handled again outside the consumer's own dedupe, the event finds its delivery.
    await database.transaction((manager) => enqueueWebhookDeliveries(clock)(event, distributorId, manager));
    expect(await database.dataSource.manager.countBy(WebhookDeliveryEntity, { eventId: event.id })).toBe(1);

    expect(await server.dispatcher.dispatchDue()).toBe(1);
    expect(await server.dispatcher.dispatchDue()).toBe(0);
    expect(receiver.requestsTo(path)).toHaveLength(1);
  });

  it('sends an event to every active endpoint of the deal\'s distributor, and nothing for a deal without one', async () => {
    const distributorId = newId();
    const other = newId();
    const [first, second, disabled] = [`/fan/a/${newId()}`, `/fan/b/${newId()}`, `/fan/off/${newId()}`];
    await register(distributorId, first);
    await register(distributorId, second);
    const off = await register(distributorId, disabled);
    await register(other, `/fan/other/${newId()}`);
    const disabledEndpoint = await must(call<{ disableWebhook: EndpointView }>(distributorClaims(distributorId), 'mutation ($id: ID!) { disableWebhook(id: $id) { id active } }', { id: off.endpoint.id }));
    expect(disabledEndpoint.disableWebhook).toEqual({ id: off.endpoint.id, active: false });

    const event = dealEvent('EXTENDED', distributorId);
    const noDistributor = dealEvent('EXTENDED', null);
    await publish(event, noDistributor);
    expect(await server.dispatcher.dispatchDue()).toBe(2);
    expect([receiver.requestsTo(first).length, receiver.requestsTo(second).length, receiver.requestsTo(disabled).length]).toEqual([1, 1, 0]);
    expect(await database.dataSource.manager.countBy(WebhookDeliveryEntity, { eventId: noDistributor.id })).toBe(0);

    // Keyset pages over the distributor's deliveries, oldest first.
    const page1 = await deliveries(distributorClaims(distributorId), {}, { first: 1 });
    expect(page1).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const page2 = await deliveries(distributorClaims(distributorId), {}, { first: 1, after: page1.pageInfo.endCursor! });
    expect(page2).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: false } });
    expect([page1.edges[0]!.node.endpoint.url, page2.edges[0]!.node.endpoint.url].sort()).toEqual([receiver.url(first), receiver.url(second)].sort());
  });

  it('sends an endpoint only the event types it subscribed to, and lists them', async () => {
    const distributorId = newId();
    const [wonOnly, every] = [`/won-only/${newId()}`, `/every/${newId()}`];
    const SUBSCRIBE = 'mutation ($url: String!, $types: [WebhookEventType!]) { registerWebhook(url: $url, eventTypes: $types) { endpoint { id eventTypes } } }';
    const subscribed = await must(call<{ registerWebhook: { endpoint: { eventTypes: string[] } } }>(distributorClaims(distributorId), SUBSCRIBE, { url: receiver.url(wonOnly), types: ['DEAL_WON', 'DEAL_WON'] }));
    expect(subscribed.registerWebhook.endpoint.eventTypes).toEqual(['DEAL_WON']);
    const { endpoint } = await register(distributorId, every);
    const listed = await must(call<{ webhookEndpoints: { id: string; eventTypes: string[] }[] }>(distributorClaims(distributorId), '{ webhookEndpoints { id eventTypes } }'));
    expect(listed.webhookEndpoints.find((e) => e.id === endpoint.id)!.eventTypes).toHaveLength(16);

    const [won, lost] = [dealEvent('WON', distributorId), dealEvent('LOST', distributorId)];
    await publish(won, lost);
    await server.dispatcher.dispatchDue();
    expect(receiver.requestsTo(wonOnly).map((request) => request.headers['x-hub-event-type'])).toEqual(['deal.won']);
    expect(receiver.requestsTo(every).map((request) => request.headers['x-hub-event-type']).sort()).toEqual(['deal.lost', 'deal.won']);

    const none = await call(distributorClaims(distributorId), SUBSCRIBE, { url: receiver.url(wonOnly), types: [] });
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventTypes' });
  });

  it('delivers licence, usage statement and its own incentive statement events to the distributor, signed and checked as the README\'s receiver does', async () => {
    // The README's receiver checks the timestamp against its own clock: back to the real time, earlier tests moved it on.
    clock.set(new Date().toISOString());
    const [mine, other] = [newId(), newId()];
    const [every, dealsOnly, others] = [`/billing/${newId()}`, `/deals-only/${newId()}`, `/billing-other/${newId()}`];
    const { secret } = await register(mine, every);
    const SUBSCRIBE = 'mutation ($url: String!, $types: [WebhookEventType!]) { registerWebhook(url: $url, eventTypes: $types) { endpoint { id eventTypes } } }';
    await must(call(distributorClaims(mine), SUBSCRIBE, { url: receiver.url(dealsOnly), types: ['DEAL_WON', 'DEAL_LOST'] }));
    await register(other, others);

    const events = [
      sourceEvent('license.issued', { distributorId: mine }),
      sourceEvent('license.renewed', { distributorId: mine }),
      sourceEvent('license.expiring', { distributorId: mine }),
      sourceEvent('usage.statement_issued', { distributorId: mine }),
      sourceEvent('statement.approved', { payeeKind: 'DISTRIBUTOR', payeeId: mine }),
      sourceEvent('statement.paid', { payeeKind: 'DISTRIBUTOR', payeeId: mine }),
    ];
    // Not this distributor's: another's licence, and a partner's statement (its distributor earns nothing from it).
    const othersLicense = sourceEvent('license.issued', { distributorId: other });
    const partnersStatement = sourceEvent('statement.paid', { payeeKind: 'PARTNER', payeeId: newId() });
    await publish(...events, othersLicense, partnersStatement);
    expect(await server.dispatcher.dispatchDue()).toBe(7);

    const received = receiver.requestsTo(every);
    expect(received.map((request) => request.headers['x-hub-event-type'])).toEqual(events.map((event) => event.type));
    for (const [i, req] of received.entries()) {
      const rawBody = req.body;
      // The README's receiver, as an integrator would write it.
      const ok = readmeVerify(secret, req.headers['x-hub-timestamp'] as string, rawBody, req.headers['x-hub-signature'] as string, 300);
      expect(ok).toBe(true);
      expect(req.headers['x-hub-event-id']).toBe(events[i]!.id);
      expect(JSON.parse(rawBody)).toEqual({ id: events[i]!.id, type: events[i]!.type, version: 1, occurredAt: events[i]!.occurredAt, data: events[i]!.payload });
    }
    const usage = JSON.parse(received[3]!.body) as { data: { currency: string; totalMinor: string; lines: { amountMinor: string }[] } };
    // Every line, amounts as strings of minor units, so the distributor can invoice from it.
    expect(usage.data.lines.length).toBeGreaterThan(0);
    expect(usage.data.lines.reduce((sum, line) => sum + BigInt(line.amountMinor), 0n).toString()).toBe(usage.data.totalMinor);
    expect(receiver.requestsTo(dealsOnly)).toEqual([]);
    expect(receiver.requestsTo(others).map((request) => request.headers['x-hub-event-id'])).toEqual([othersLicense.id]);
    expect(await database.dataSource.manager.countBy(WebhookDeliveryEntity, { eventId: partnersStatement.id })).toBe(0);
  });

  it('testWebhook sends a signed ping at once and answers its delivery; only the endpoint\'s owner may send one', async () => {
    const distributorId = newId();
    const path = `/ping/${newId()}`;
    const { secret, endpoint } = await register(distributorId, path);
    const TEST = 'mutation ($id: ID!) { testWebhook(id: $id) { eventId eventType status attemptCount lastStatusCode endpoint { id } } }';
    const { testWebhook } = await must(call<{ testWebhook: Record<string, unknown> & { eventId: string } }>(distributorClaims(distributorId), TEST, { id: endpoint.id }));
    expect(testWebhook).toMatchObject({ eventType: 'webhook.ping', status: 'DELIVERED', attemptCount: 1, lastStatusCode: 200, endpoint: { id: endpoint.id } });

    const [request, ...others] = receiver.requestsTo(path);
    expect(others).toEqual([]);
    expect(request!.headers['x-hub-event-type']).toBe('webhook.ping');
    expect(request!.headers['x-hub-event-id']).toBe(testWebhook.eventId);
    expect(JSON.parse(request!.body)).toMatchObject({ id: testWebhook.eventId, type: 'webhook.ping', version: 1, data: { endpointId: endpoint.id, distributorId } });
    expect(verifyWebhookSignature(secret, request!.headers['x-hub-timestamp'] as string, request!.body, request!.headers['x-hub-signature'] as string, TOLERANCE_SECONDS, clock.now())).toBe(true);

    // Another distributor's endpoint is unknown to the caller; a disabled one is refused by name.
    const before = await database.dataSource.manager.count(WebhookDeliveryEntity);
    const stranger = await call(distributorClaims(newId()), TEST, { id: endpoint.id });
    expect(stranger.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    await must(call(distributorClaims(distributorId), 'mutation ($id: ID!) { disableWebhook(id: $id) { id } }', { id: endpoint.id }));
    const disabled = await call(distributorClaims(distributorId), TEST, { id: endpoint.id });
    expect(disabled.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await database.dataSource.manager.count(WebhookDeliveryEntity)).toBe(before);
    expect(receiver.requestsTo(path)).toHaveLength(1);
  });

  it('fails the pending deliveries of an endpoint when it is disabled, without sending them', async () => {
    const distributorId = newId();
    const path = `/disabled/${newId()}`;
    const { endpoint } = await register(distributorId, path);
    const event = dealEvent('LOST', distributorId);
    await publish(event);
    await must(call(distributorClaims(distributorId), 'mutation ($id: ID!) { disableWebhook(id: $id) { id } }', { id: endpoint.id }));

    expect(await server.dispatcher.dispatchDue()).toBe(0);
    expect(receiver.requestsTo(path)).toEqual([]);
    expect(await deliveryOf(distributorId, event.id)).toMatchObject({ status: 'FAILED', attemptCount: 0, lastError: 'endpoint disabled', attempts: [] });

    // Events after the disabling create no delivery at all.
    const later = dealEvent('REVERSED', distributorId);
    await publish(later);
    expect(await database.dataSource.manager.countBy(WebhookDeliveryEntity, { eventId: later.id })).toBe(0);
  });

  it('lets two dispatchers work one backlog without sending any delivery twice', async () => {
    const distributorId = newId();
    const path = `/shared/${newId()}`;
    await register(distributorId, path);
    const events = Array.from({ length: 24 }, () => dealEvent('APPROVED', distributorId));
    await publish(...events);
    const dispatchers = [1, 2].map(() => new WebhookDispatcher({ database, clock, batchSize: 5, timeoutMs: TIMEOUT_MS, egress: LOCAL_RECEIVERS }));

    const drain = async (dispatcher: WebhookDispatcher) => {
      let sent = 0;
      for (let round = 0; round < 20; round += 1) {
        const batch = await dispatcher.dispatchDue();
        if (batch === 0) return sent;
        sent += batch;
      }
      return sent;
    };
    const sent = await Promise.all(dispatchers.map(drain));
    expect(sent[0]! + sent[1]!).toBe(24);
    const received = receiver.requestsTo(path).map((request) => request.headers['x-hub-event-id']);
    expect(received).toHaveLength(24);
    expect(new Set(received)).toEqual(new Set(events.map((event) => event.id)));
    expect((await deliveries(distributorClaims(distributorId), { status: 'DELIVERED' })).totalCount).toBe(24);
  });

  it('shows a distributor only its own endpoints and deliveries', async () => {
    const [mine, theirs] = [newId(), newId()];
    const myEndpoint = (await register(mine, `/own/${newId()}`)).endpoint;
    const theirEndpoint = (await register(theirs, `/own/${newId()}`)).endpoint;
    const [myEvent, theirEvent] = [dealEvent('WON', mine), dealEvent('WON', theirs)];
    await publish(myEvent, theirEvent);
    await server.dispatcher.dispatchDue();
    const me = distributorClaims(mine);

    const endpoints = await must(call<{ webhookEndpoints: EndpointView[] }>(me, ENDPOINTS, { distributorId: theirs }));
    expect(endpoints.webhookEndpoints.map((endpoint) => endpoint.id)).toEqual([myEndpoint.id]);
    const own = await deliveries(me);
    expect(own.edges.map((edge) => edge.node.eventId)).toEqual([myEvent.id]);
    expect((await deliveries(me, { endpointId: theirEndpoint.id })).totalCount).toBe(0);
    expect((await deliveries(me, { eventId: theirEvent.id })).totalCount).toBe(0);

    const disable = await call(me, 'mutation ($id: ID!) { disableWebhook(id: $id) { id } }', { id: theirEndpoint.id });
    expect(disable.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forOther = await call(me, REGISTER_WEBHOOK, { url: receiver.url('/x'), distributorId: theirs });
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await database.dataSource.manager.findOneByOrFail(WebhookEndpointEntity, { id: theirEndpoint.id })).active).toBe(true);

    const partner = await call({ sub: 'user@alpha', role: 'partner', partnerId: newId() }, ENDPOINTS);
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partnerDeliveries = await call({ sub: 'user@alpha', role: 'partner', partnerId: newId() }, DELIVERIES);
    expect(partnerDeliveries.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partnerRegisters = await call({ sub: 'user@alpha', role: 'partner', partnerId: newId() }, REGISTER_WEBHOOK, { url: receiver.url('/x') });
    expect(partnerRegisters.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Staff and BI read across distributors, or narrowed to one.
    const all = await must(call<{ webhookEndpoints: EndpointView[] }>(bi, ENDPOINTS));
    expect(all.webhookEndpoints.map((endpoint) => endpoint.id)).toEqual(expect.arrayContaining([myEndpoint.id, theirEndpoint.id]));
    const narrowed = await must(call<{ webhookEndpoints: EndpointView[] }>(channelManager, ENDPOINTS, { distributorId: theirs }));
    expect(narrowed.webhookEndpoints.map((endpoint) => endpoint.id)).toEqual([theirEndpoint.id]);
    expect((await deliveries(admin, { eventId: theirEvent.id })).totalCount).toBe(1);

    // BI gets no credential a receiver's URL carries; the owner and staff see it whole.
    const withToken = (await register(mine, `/own/${newId()}?token=s3cret&team=a`)).endpoint;
    const urlFor = async (claims: Claims) => (await must(call<{ webhookEndpoints: EndpointView[] }>(claims, ENDPOINTS, { distributorId: mine }))).webhookEndpoints.find((e) => e.id === withToken.id)!.url;
    expect(await urlFor(bi)).toMatch(/\/own\/[^?]+\?token=REDACTED&team=REDACTED$/);
    expect(await urlFor(me)).toMatch(/\?token=s3cret&team=a$/);
    expect(await urlFor(channelManager)).toMatch(/\?token=s3cret&team=a$/);
  });

  it('lets channel staff register for a known distributor they name', async () => {
    const known = newId();
    await bus.publish([partnerFact('distributor.saved', known, { distributorId: known, name: 'Distri Connu', countries: ['FR'], handlesRenewals: false, usageBasedProgram: false })]);
    await until(async () => (await database.dataSource.manager.countBy(DistributorRefEntity, { id: known })) === 1);

    const registered = await must(call<{ registerWebhook: { endpoint: EndpointView } }>(channelManager, REGISTER_WEBHOOK, { url: receiver.url('/staff'), distributorId: known }));
    expect(registered.registerWebhook.endpoint.distributor).toEqual({ id: known });

    const unnamed = await call(admin, REGISTER_WEBHOOK, { url: receiver.url('/staff') });
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'distributorId' });
    const unknown = await call(admin, REGISTER_WEBHOOK, { url: receiver.url('/staff'), distributorId: newId() });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'distributorId' });
    const readOnly = await call(bi, REGISTER_WEBHOOK, { url: receiver.url('/staff'), distributorId: known });
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    ['ftp://files.example/in', 'http or https'],
    ['https://user:secret@hooks.example/in', 'credentials'],
    ['hooks.example/in', 'absolute URL'],
    ['   ', 'must not be empty'],
    [`https://hooks.example/${'a'.repeat(1980)}`, 'at most 2000'],
  ])('refuses %j as BAD_USER_INPUT naming url', async (url, reason) => {
    const distributorId = newId();
    const result = await call(distributorClaims(distributorId), REGISTER_WEBHOOK, { url });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors?.[0]?.message).toContain(reason);
    expect(await database.dataSource.manager.countBy(WebhookEndpointEntity, { distributorId })).toBe(0);
  });

  it('delivers the event of a deal registered through the API to its distributor', async () => {
    const distributorId = newId();
    const partnerId = newId();
    await bus.publish([
      partnerFact('distributor.saved', distributorId, { distributorId, name: 'Distri Bout-en-bout', countries: ['FR'], handlesRenewals: false, usageBasedProgram: false }),
      partnerFact('partner.created', partnerId, { partnerId, name: 'Delta Intégration', country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [distributorId] }),
    ]);
    await until(async () => (await database.dataSource.manager.countBy(PartnerRefEntity, { id: partnerId })) === 1);
    const path = `/e2e/${newId()}`;
    const { secret } = await register(distributorId, path);

    const registered = await must(
      call<{ registerDeal: { id: string } }>({ sub: 'user@delta', role: 'partner', partnerId }, 'mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id } }', {
        input: {
          partnerId,
          distributorId,
          endCustomer: { name: 'Webhook Kunde GmbH', country: 'DE', domain: null },
          type: 'NEW_CUSTOMER',
          productLine: 'ENDPOINT',
          lines: [{ sku: SKU.endpoint, seats: 25, unitPrice: '19.99' }],
          expectedCloseDate: addDays(clock.today(), 30),
        },
      }),
    );
    const dealId = registered.registerDeal.id;
    await until(async () => (await deliveries(distributorClaims(distributorId))).totalCount === 1);
    expect(await server.dispatcher.dispatchDue()).toBe(1);

    const [request] = receiver.requestsTo(path);
    const body = JSON.parse(request!.body) as { type: string; data: DealEventPayload };
    expect(body.type).toBe('deal.submitted');
    expect(body.data).toMatchObject({ kind: 'SUBMITTED', dealId, partnerId, distributorId, seats: 25, amountMinor: '49975', currency: 'EUR' });
    expect(verifyWebhookSignature(secret, request!.headers['x-hub-timestamp'] as string, request!.body, request!.headers['x-hub-signature'] as string, TOLERANCE_SECONDS, clock.now())).toBe(true);
  });

  it('does not follow a redirect: the 302 is a failed attempt and its target gets nothing', async () => {
    const distributorId = newId();
    const path = `/moved/${newId()}`;
    receiver.answer(path, [302]);
    await register(distributorId, path);
    const event = dealEvent('WON', distributorId);
    await publish(event);

    expect(await server.dispatcher.dispatchDue()).toBe(1);
    const delivery = await deliveryOf(distributorId, event.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attemptCount: 1, lastStatusCode: 302, lastError: 'HTTP 302 (redirects are not followed)', deliveredAt: null });
    expect(receiver.requestsTo(path)).toHaveLength(1);
    expect(receiver.requestsTo(`/redirected${path}`)).toEqual([]);
  });

  it('keeps signing secrets sealed at rest: the raw row holds neither the secret nor an encoding of it', async () => {
    const { secret, endpoint } = await register(newId(), `/sealed/${newId()}`);
    const [row] = (await database.dataSource.query('SELECT * FROM webhook_endpoint WHERE id = ?', [endpoint.id])) as Record<string, unknown>[];
    const raw = JSON.stringify(row);
    const random = secret.slice('whsec_'.length);
    for (const clear of [secret, random, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) expect(raw).not.toContain(clear);
    expect(row!.secret).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row!.previousSecret).toBeNull();
  });

  it('seals at startup the clear secrets of endpoints registered before encryption, and still signs with them', async () => {
    const distributorId = newId();
    const path = `/legacy/${newId()}`;
    const id = newId();
    const legacySecret = `whsec_${'L'.repeat(43)}`;
    await database.dataSource.manager.insert(WebhookEndpointEntity, {
      id, distributorId, url: receiver.url(path), secret: legacySecret, active: true, createdAt: clock.now(), previousSecret: null, previousSecretExpiresAt: null,
    });

    expect(await server.webhooks.sealClearSecrets()).toBe(1);
    expect(await server.webhooks.sealClearSecrets()).toBe(0);
    const [row] = (await database.dataSource.query('SELECT secret FROM webhook_endpoint WHERE id = ?', [id])) as { secret: string }[];
    expect(row!.secret).not.toContain('LLLL');

    const event = dealEvent('WON', distributorId);
    await publish(event);
    expect(await server.dispatcher.dispatchDue()).toBe(1);
    const [request] = receiver.requestsTo(path);
    expect(verifyWebhookSignature(legacySecret, request!.headers['x-hub-timestamp'] as string, request!.body, request!.headers['x-hub-signature'] as string, TOLERANCE_SECONDS, clock.now())).toBe(true);
  });

  it('rotates a secret: for 24 h deliveries carry both signatures, new first, then only the new one', async () => {
    const distributorId = newId();
    const path = `/rotate/${newId()}`;
    const { secret: old, endpoint } = await register(distributorId, path);
    const rotatedAt = clock.now();
    const rotated = (await must(call<{ rotateWebhookSecret: { secret: string; endpoint: { id: string; previousSecretExpiresAt: string } } }>(distributorClaims(distributorId), ROTATE, { id: endpoint.id })))
      .rotateWebhookSecret;
    const fresh = rotated.secret;
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    expect(rotated.endpoint).toEqual({ id: endpoint.id, previousSecretExpiresAt: new Date(rotatedAt.getTime() + 86_400_000).toISOString() });
    const [row] = (await database.dataSource.query('SELECT * FROM webhook_endpoint WHERE id = ?', [endpoint.id])) as Record<string, unknown>[];
    for (const clear of [old, fresh]) expect(JSON.stringify(row)).not.toContain(clear);

    const sign = (secret: string, request: ReceivedRequest) => `sha256=${createHmac('sha256', secret).update(`${request.headers['x-hub-timestamp'] as string}.${request.body}`).digest('hex')}`;
    const verify = (secret: string, request: ReceivedRequest) =>
      verifyWebhookSignature(secret, request.headers['x-hub-timestamp'] as string, request.body, request.headers['x-hub-signature'] as string, TOLERANCE_SECONDS, clock.now());

    await publish(dealEvent('WON', distributorId));
    await server.dispatcher.dispatchDue();
    const [during] = receiver.requestsTo(path);
    expect(during!.headers['x-hub-signature']).toBe(`${sign(fresh, during!)}, ${sign(old, during!)}`);
    expect([verify(fresh, during!), verify(old, during!), verify(`${fresh}x`, during!)]).toEqual([true, true, false]);

    advance(86_400_000);
    await publish(dealEvent('LOST', distributorId));
    await server.dispatcher.dispatchDue();
    const [, after] = receiver.requestsTo(path);
    expect(after!.headers['x-hub-signature']).toBe(sign(fresh, after!));
    expect([verify(fresh, after!), verify(old, after!)]).toEqual([true, false]);
  });

  it('lets only the distributor and channel staff rotate a secret', async () => {
    const [mine, theirs] = [newId(), newId()];
    const { endpoint } = await register(mine, `/rotate-access/${newId()}`);
    const stored = () => database.dataSource.manager.findOneByOrFail(WebhookEndpointEntity, { id: endpoint.id });
    const before = (await stored()).secret;

    expect((await call(distributorClaims(theirs), ROTATE, { id: endpoint.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await call({ sub: 'user@alpha', role: 'partner', partnerId: newId() }, ROTATE, { id: endpoint.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call(bi, ROTATE, { id: endpoint.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call(admin, ROTATE, { id: newId() })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await stored()).secret).toBe(before);

    const byStaff = await must(call<{ rotateWebhookSecret: { secret: string } }>(channelManager, ROTATE, { id: endpoint.id }));
    expect(byStaff.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect((await stored()).secret).not.toBe(before);
  });

  function dealEvent(kind: DealEventKind, distributorId: string | null): DomainEvent<DealEventPayload> {
    const dealId = newId();
    const payload: DealEventPayload = {
      kind,
      dealId,
      partnerId: newId(),
      distributorId,
      referringPartnerId: null,
      programCode: 'FR-2023',
      type: 'NEW_CUSTOMER',
      productLine: 'ENDPOINT',
      segment: 'SMB',
      seats: 25,
      amountMinor: '49975',
      currency: 'EUR',
      status: 'WON',
      endCustomer: { name: 'Kunde GmbH', country: 'DE', domain: 'kunde.example' },
      lines: [{ sku: SKU.endpoint, seats: 25, unitPriceMinor: '1999', amountMinor: '49975' }],
      registeredAt: clock.now().toISOString(),
      approvedAt: null,
      expiresAt: null,
      expectedCloseDate: addDays(clock.today(), 30),
      closedAt: null,
      reason: null,
      conflictWithId: null,
    };
    return { id: newId(), type: dealEventType(kind), version: 1, occurredAt: clock.now().toISOString(), source: 'deals', aggregateId: dealId, payload };
  }

  /** A licences or incentives event as its publisher records it (the catalogue's fixture), new id, now, with `changes` to its payload. */
  function sourceEvent(type: 'license.issued' | 'license.renewed' | 'license.expiring' | 'usage.statement_issued' | 'statement.approved' | 'statement.paid', changes: Record<string, unknown>): DomainEvent {
    const fixture = fixtureEnvelope(type, 1);
    return { ...fixture, id: newId(), occurredAt: clock.now().toISOString(), payload: { ...payloadOf(fixture, type, 1), ...changes } };
  }

  function partnerFact(type: string, aggregateId: string, payload: unknown): DomainEvent {
    return { id: newId(), type, version: 1, occurredAt: clock.now().toISOString(), source: 'partners', aggregateId, payload };
  }
});

/** A hub as deployed, without WEBHOOK_ALLOW_PRIVATE: what a distributor cannot make it reach. */
describe.each([
  { dialect: 'mysql' as const },
  { dialect: 'sqlite' as const },
])('webhook egress of a hub without WEBHOOK_ALLOW_PRIVATE on $dialect', ({ dialect }) => {
  const clock = adjustableClock(new Date().toISOString());
  // Public at registration; the test points the name at loopback before delivering (DNS rebinding).
  const rebinding: Record<string, string[]> = { 'rebind.distri.example': ['93.184.216.34'] };
  const logged: string[] = [];
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let server: Awaited<ReturnType<typeof createDealsServer>>;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let receiver: Receiver;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('webhook_egress') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    const names = fakeDns(rebinding);
    server = await createDealsServer({
      database,
      bus,
      gatewaySecret: SECRET,
      clock,
      webhooks: {
        intervalMs: 3_600_000,
        timeoutMs: TIMEOUT_MS,
        random: () => 0,
        resolve: (host) => (host in rebinding ? names(host) : TEST_DNS(host)),
        logger: { error: (message) => logged.push(message) },
      },
    });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await close?.();
    await receiver?.close();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it.each(SSRF_CASES)('refuses to register %s (%s) as BAD_USER_INPUT naming url, storing nothing', async (_kind, url, reason) => {
    const distributorId = newId();
    const result = await call(distributorClaims(distributorId), REGISTER_WEBHOOK, { url });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors?.[0]?.message).toContain(reason);
    expect(await database.dataSource.manager.countBy(WebhookEndpointEntity, { distributorId })).toBe(0);
  });

  it('refuses a delivery whose host has been pointed at loopback since registration, sending nothing and logging why', async () => {
    const distributorId = newId();
    const path = `/rebind/${newId()}`;
    const url = receiver.url(path).replace('127.0.0.1', 'rebind.distri.example');
    const registered = await call<{ registerWebhook: { endpoint: EndpointView } }>(distributorClaims(distributorId), REGISTER_WEBHOOK, { url });
    expect(registered.errors).toBeUndefined();

    rebinding['rebind.distri.example'] = ['127.0.0.1'];
    const event = dealEventFor(clock, distributorId);
    await bus.publish([event]);
    await until(async () => (await database.dataSource.manager.countBy(WebhookDeliveryEntity, { eventId: event.id })) === 1);
    expect(await server.dispatcher.dispatchDue()).toBe(1);

    const reason = 'refused: rebind.distri.example resolves to 127.0.0.1 is loopback';
    const delivery = await database.dataSource.manager.findOneByOrFail(WebhookDeliveryEntity, { eventId: event.id });
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: reason });
    expect(receiver.requestsTo(path)).toEqual([]);
    expect(logged).toEqual([expect.stringContaining(reason)]);
  });
});

/** A deal event for the egress tests, which turn only on its distributor; the rest is a plain won deal. */
function dealEventFor(clock: { now(): Date }, distributorId: string): DomainEvent<DealEventPayload> {
  const dealId = newId();
  const at = clock.now().toISOString();
  const payload: DealEventPayload = {
    kind: 'WON',
    dealId,
    partnerId: newId(),
    distributorId,
    referringPartnerId: null,
    programCode: 'FR-2023',
    type: 'NEW_CUSTOMER',
    productLine: 'ENDPOINT',
    segment: 'SMB',
    seats: 10,
    amountMinor: '19990',
    currency: 'EUR',
    status: 'WON',
    endCustomer: { name: 'Kunde GmbH', country: 'DE', domain: null },
    lines: [{ sku: SKU.endpoint, seats: 10, unitPriceMinor: '1999', amountMinor: '19990' }],
    registeredAt: at,
    approvedAt: at,
    expiresAt: null,
    expectedCloseDate: at.slice(0, 10),
    closedAt: at.slice(0, 10),
    reason: null,
    conflictWithId: null,
  };
  return { id: newId(), type: 'deal.won', version: 1, occurredAt: at, source: 'deals', aggregateId: dealId, payload };
}

interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * A distributor's endpoint on a free local port: records every request with its raw body and
 * answers 200, or the statuses scripted for a path in turn; `/hang/…` never answers.
 */
async function startReceiver() {
  const received: ReceivedRequest[] = [];
  const scripted = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path.startsWith('/hang/')) return;
      const status = scripted.get(path)?.shift() ?? 200;
      const location = status >= 300 && status < 400 ? { location: `/redirected${path}` } : {};
      response.writeHead(status, { 'content-type': 'text/plain', ...location }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    answer: (path: string, statuses: number[]) => void scripted.set(path, [...statuses]),
    requestsTo: (path: string) => received.filter((request) => request.path === path),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on a port nobody listens on: connecting is refused at once. */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/refused`;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
