import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { BusUnavailableError, InProcessBus, OutboxEntity, ParkedEventEntity, type EventBus } from '@hub/events';
import { createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { WebhookDeliveryEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';

const SECRET = 'integration-test-gateway-secret-0123456789';
const NOW = '2026-06-01T12:00:00.000Z';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const partner: Claims = { sub: 'p@partner', role: 'partner', partnerId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };

/** Consumers run as usual, but nothing can be published: the outbox keeps what is written to it. */
function busThatCannotPublish(inner: InProcessBus): EventBus {
  return {
    publish: () => Promise.reject(new BusUnavailableError('bus down for the test')),
    consume: (group, handler, options) => inner.consume(group, handler, options),
    groupLag: () => inner.groupLag(),
    retireGroup: (group) => inner.retireGroup(group),
    close: () => inner.close(),
  };
}

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('deals /metrics on $dialect', ({ dialect }) => {
  const clock = adjustableClock(NOW);
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: EventBus;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('metrics') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = busThatCannotPublish(new InProcessBus());
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock, webhooks: { intervalMs: 3_600_000 } });
    const running = await server.start(0);
    url = running.url;
    close = running.close;

    const at = (secondsAgo: number) => new Date(new Date(NOW).getTime() - secondsAgo * 1000);
    const manager = database.dataSource.manager;
    await manager.insert(OutboxEntity, [
      { id: newId(), type: 'deal.won', version: 1, source: 'deals', aggregateId: newId(), payload: {}, occurredAt: at(90), publishedAt: null },
      { id: newId(), type: 'deal.won', version: 1, source: 'deals', aggregateId: newId(), payload: {}, occurredAt: at(30), publishedAt: null },
      { id: newId(), type: 'deal.won', version: 1, source: 'deals', aggregateId: newId(), payload: {}, occurredAt: at(600), publishedAt: at(599) },
    ]);
    const delivery = (status: 'PENDING' | 'DELIVERED' | 'FAILED') => ({
      id: newId(),
      endpointId: newId(),
      eventId: newId(),
      eventType: 'deal.won',
      occurredAt: at(60),
      payload: '{}',
      status,
      attempts: 1,
      nextAttemptAt: status === 'PENDING' ? at(-60) : null,
      lastStatusCode: null,
      lastError: null,
      deliveredAt: status === 'DELIVERED' ? at(50) : null,
      createdAt: at(60),
    });
    await manager.insert(WebhookDeliveryEntity, [delivery('PENDING'), delivery('PENDING'), delivery('FAILED'), delivery('DELIVERED')]);
    const parked = (retriedAt: Date | null) => ({
      id: newId(),
      consumer: 'deals.partner-facts',
      eventId: newId(),
      type: 'partner.changed',
      version: 9,
      envelope: '{}',
      reason: 'unknown version',
      parkedAt: at(120),
      retriedAt,
    });
    await manager.insert(ParkedEventEntity, [parked(null), parked(at(10))]);
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(new URL('/metrics', url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  /** The value of one series, found by its name and labels in any order (prom-client orders them differently per metric type). */
  const valueOf = (body: string, name: string, labels: Record<string, string>): number | undefined => {
    const wanted = Object.entries({ ...labels, subgraph: 'deals' })
      .map(([key, value]) => `${key}="${value}"`)
      .sort()
      .join(',');
    for (const line of body.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
      if (match?.[1] === name && match[2]!.split(',').sort().join(',') === wanted) return Number(match[3]);
    }
    return undefined;
  };

  it('counts operations by name, anonymous ones apart, with their error codes and durations', async () => {
    const call = subgraphClient(url, SECRET, 'deals');
    const before = await scrape();
    const okBefore = valueOf(before, 'hub_subgraph_operations_total', { operation: 'Deliveries', type: 'query' }) ?? 0;
    for (let i = 0; i < 3; i += 1) {
      expect((await call(admin, 'query Deliveries { webhookDeliveries(first: 1) { totalCount } }')).errors).toBeUndefined();
    }
    // A partner may not list webhook deliveries: the error's code is what the caller received.
    expect((await call(partner, 'query Deliveries { webhookDeliveries(first: 1) { totalCount } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await call(admin, '{ webhookDeliveries(first: 1) { totalCount } }');

    const body = await scrape();
    expect(valueOf(body, 'hub_subgraph_operations_total', { operation: 'Deliveries', type: 'query' })).toBe(okBefore + 4);
    expect(valueOf(body, 'hub_subgraph_operation_errors_total', { operation: 'Deliveries', code: 'FORBIDDEN' })).toBe(1);
    expect(valueOf(body, 'hub_subgraph_operations_total', { operation: 'anonymous', type: 'query' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(body, 'hub_subgraph_operation_duration_seconds_count', { operation: 'Deliveries' })).toBe(okBefore + 4);
    expect(body).toContain('process_resident_memory_bytes{subgraph="deals"}');
  });

  it('counts a request refused before execution by its code', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(response.status).toBe(401);
    expect(valueOf(await scrape(), 'hub_subgraph_refused_requests_total', { code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
  });

  it('shows the outbox backlog and its oldest age, parked events waiting and webhook deliveries by status', async () => {
    const body = await scrape();
    expect(valueOf(body, 'hub_outbox_backlog', {})).toBe(2);
    expect(valueOf(body, 'hub_outbox_oldest_unpublished_age_seconds', {})).toBe(90);
    expect(valueOf(body, 'hub_parked_events', { consumer: 'deals.partner-facts' })).toBe(1);
    expect(valueOf(body, 'hub_webhook_deliveries', { status: 'PENDING' })).toBe(2);
    expect(valueOf(body, 'hub_webhook_deliveries', { status: 'FAILED' })).toBe(1);
    expect(valueOf(body, 'hub_webhook_deliveries', { status: 'DELIVERED' })).toBe(1);
  });
});
