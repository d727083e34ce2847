import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph, verifyWebhookSignature } from '@hub/deals';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';

type Result = Awaited<ReturnType<typeof post>>['json'];

const DEADLINE_MS = 20_000;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/**
 * A licence issued through the gateway reaches its distributor's webhook (licenses → bus →
 * deals' webhooks consumer → dispatcher → receiver), signed so that the README's receiver code
 * accepts it, and no other distributor's endpoint.
 */
describe('licence webhooks through the gateway (partners, deals and licenses on MariaDB)', () => {
  let hub: RunningHub;
  let staff: string;
  const received: Received[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  let receiverOrigin: string;
  const allowPrivate = process.env.WEBHOOK_ALLOW_PRIVATE;

  const gql = async (token: string, query: string, variables?: Record<string, unknown>): Promise<Result> => (await post(hub.url, { query, variables }, token)).json;
  const data = <T>(result: Result): T => {
    expect(result.errors).toBeUndefined();
    return result.data as T;
  };

  beforeAll(async () => {
    // The receiver listens on loopback, which deliveries reach only with WEBHOOK_ALLOW_PRIVATE (read when deals starts).
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph], { database: 'mysql' });
    staff = await hub.token({ sub: 'cm@vendor', role: 'channel_manager' });
  });

  afterAll(async () => {
    await hub?.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    if (allowPrivate === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
    else process.env.WEBHOOK_ALLOW_PRIVATE = allowPrivate;
  });

  it('delivers license.issued to the licence\'s distributor only, verified as the README shows', async () => {
    const { distributors } = data<{ distributors: { id: string; name: string }[] }>(await gql(staff, '{ distributors { id name } }'));
    const techData = distributors.find((d) => d.name === 'Tech Data')!;
    const ingram = distributors.find((d) => d.name === 'Ingram Micro')!;
    const techDataToken = await hub.token({ sub: 'api@techdata', role: 'distributor', distributorId: techData.id });
    const ingramToken = await hub.token({ sub: 'api@ingram', role: 'distributor', distributorId: ingram.id });

    const REGISTER = 'mutation ($url: String!, $types: [WebhookEventType!]) { registerWebhook(url: $url, eventTypes: $types) { secret endpoint { id eventTypes } } }';
    const mine = data<{ registerWebhook: { secret: string } }>(await gql(techDataToken, REGISTER, { url: `${receiverOrigin}/techdata/licences`, types: ['LICENSE_ISSUED', 'LICENSE_EXPIRING'] })).registerWebhook;
    data(await gql(techDataToken, REGISTER, { url: `${receiverOrigin}/techdata/deals`, types: ['DEAL_WON'] }));
    data(await gql(ingramToken, REGISTER, { url: `${receiverOrigin}/ingram/all` }));

    const created = data<{ createPartner: { id: string } }>(
      await gql(staff, 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }', {
        input: { name: 'Webhooks E2E Revendeur', country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [techData.id] },
      }),
    ).createPartner;
    const ISSUE = 'mutation ($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }';
    const input = { partnerId: created.id, distributorId: techData.id, customer: { name: 'Clinique Webhook', country: 'FR' }, sku: 'ENDPOINT-ADV-T', seats: 5 };
    // Licences learn the new partner from the partners subgraph's event; until then the issue is refused.
    const licenseId = await until('licenses to learn the partner and issue', async () => {
      const issued = await gql(staff, ISSUE, { input });
      return (issued.data as { issueLicense?: { id: string } } | null)?.issueLicense?.id;
    });

    const delivery = await until('license.issued at the distributor\'s endpoint', async () => received.find((request) => request.path === '/techdata/licences'));
    const req = { headers: delivery.headers };
    const rawBody = delivery.rawBody;
    const secret = mine.secret;
    // The README's receiver.
    const ok = verifyWebhookSignature(secret, req.headers['x-hub-timestamp'] as string, rawBody, req.headers['x-hub-signature'] as string, 300);
    expect(ok).toBe(true);
    expect(delivery.headers['x-hub-event-type']).toBe('license.issued');
    const body = JSON.parse(rawBody) as { id: string; type: string; version: number; data: { licenseId: string; distributorId: string; term: { amountMinor: string } } };
    expect(body).toMatchObject({ id: delivery.headers['x-hub-event-id'], type: 'license.issued', version: 1, data: { licenseId, distributorId: techData.id } });
    expect(body.data.term.amountMinor).toMatch(/^\d+$/);

    // Ingram's endpoint and Tech Data's deals-only endpoint got nothing; deliveries show it too.
    const DELIVERIES = 'query ($filter: WebhookDeliveryFilter) { webhookDeliveries(filter: $filter) { totalCount edges { node { eventType status } } } }';
    const ingramDeliveries = data<{ webhookDeliveries: { totalCount: number } }>(await gql(ingramToken, DELIVERIES, { filter: { eventId: body.id } })).webhookDeliveries;
    expect(ingramDeliveries.totalCount).toBe(0);
    const techDataDeliveries = data<{ webhookDeliveries: { edges: { node: { eventType: string; status: string } }[] } }>(await gql(techDataToken, DELIVERIES, { filter: { eventId: body.id } }))
      .webhookDeliveries;
    expect(techDataDeliveries.edges.map((edge) => edge.node)).toEqual([{ eventType: 'license.issued', status: 'DELIVERED' }]);
    expect(received.filter((request) => request.path !== '/techdata/licences')).toEqual([]);
  });
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
