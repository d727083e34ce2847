import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { addDays, adjustableClock } from '@hub/domain';
import { InProcessBus, ParkedEventEntity, ProcessedEventEntity, type DomainEvent } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, tableRowCounts, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { CatalogSkuRefEntity, CatalogSyncEntity, DealEntity, DealLineEntity, PartnerRefEntity } from './entities';
import { catalogPublished, receiveTestCatalog, SKU, skuSaved, TEST_CATALOG } from './int-test-catalog';
import { createDealsServer, openDealsDatabase } from './server';
import { CATALOG_REFS_CONSUMER } from './services/catalog-refs.consumer';

/*
 * Deals only sells what the catalog holds: its copy of licenses' catalog, filled from
 * `catalog.sku_saved`, decides which lines a registration may carry and the deal's product line,
 * on MariaDB and on SQLite.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const DAY0 = '2026-06-15';
const PARTNER = newId();
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const partner: Claims = { sub: 'user@alpha', role: 'partner', partnerId: PARTNER };

const FACTS: DomainEvent[] = [
  {
    id: newId(),
    type: 'partner.created',
    version: 1,
    occurredAt: `${DAY0}T08:00:00.000Z`,
    source: 'partners',
    aggregateId: PARTNER,
    payload: { partnerId: PARTNER, name: 'Alpha', country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [] },
  },
];

const REGISTER = 'mutation ($input: RegisterDealInput!) { registerDeal(input: $input) { id productLine lines { sku } } }';
const OUTSIDE = `query ($first: Int, $after: String) { dealsOutsideCatalog(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { deal { id productLine } lines { position sku problem } } } } }`;

interface Registered {
  registerDeal: { id: string; productLine: string; lines: { sku: string }[] };
}

interface Outside {
  dealsOutsideCatalog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { deal: { id: string; productLine: string }; lines: { position: number; sku: string; problem: string }[] } }[];
  };
}

const line = (sku: string, seats = 10) => ({ sku, seats, unitPrice: '20.00' });

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('the catalog in deals on $dialect', ({ dialect }) => {
  const clock = adjustableClock(`${DAY0}T10:00:00Z`);
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let customers = 0;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals_catalog') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    // The feed's poll reads in the background: far apart, so statement counts see only the request's.
    const server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock, dealFeed: { pollMs: 3_600_000 } });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await bus.publish(FACTS);
    for (let i = 0; (await database.dataSource.manager.count(PartnerRefEntity)) < 1; i += 1) {
      if (i > 400) throw new Error('partner facts not applied');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  function registration(lines: unknown[], productLine?: string | null) {
    customers += 1;
    return {
      partnerId: PARTNER,
      endCustomer: { name: `Catalog Customer ${customers}`, country: 'FR' },
      type: 'NEW_CUSTOMER',
      ...(productLine === undefined ? {} : { productLine }),
      lines,
      expectedCloseDate: addDays(DAY0, 30),
    };
  }

  const register = (lines: unknown[], productLine?: string | null) => call<Registered>(partner, REGISTER, { input: registration(lines, productLine) });

  /**
   * Rows per table, but processed_event: the webhooks consumer records there, in the background,
   * the events of the registrations accepted just before, whatever the refused one does.
   */
  const rowCounts = async () => {
    const { processed_event: _consumerBookkeeping, ...counts } = await tableRowCounts(database.dataSource);
    return counts;
  };

  /** Refused with `code` (and `field`), and not one row more or less in any table. */
  async function refused(attempt: () => Promise<GraphQLResponse<unknown>>, extensions: Record<string, unknown>): Promise<string> {
    const before = await rowCounts();
    const result = await attempt();
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject(extensions);
    expect(await rowCounts()).toEqual(before);
    return result.errors![0]!.message;
  }

  it('refuses registrations as retryable (SERVICE_UNAVAILABLE) until the catalog has arrived, writing nothing', async () => {
    expect(await database.dataSource.manager.count(CatalogSkuRefEntity)).toBe(0);
    const message = await refused(() => register([line(SKU.endpoint)]), { code: 'SERVICE_UNAVAILABLE', retryable: true, reason: 'CATALOG_NOT_RECEIVED' });
    expect(message).toContain('has not received the product catalog');
  });

  it('refuses the report of deals outside the catalog as retryable until then too', async () => {
    const result = await call(admin, OUTSIDE, { first: 10 });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
  });

  it('accepts lines the catalog copy already holds while it is arriving, and refuses the others as retryable', async () => {
    await bus.publish([skuSaved(TEST_CATALOG[0]!), catalogPublished(TEST_CATALOG.length)]);
    for (let i = 0; !(await database.dataSource.manager.existsBy(CatalogSyncEntity, {})) || (await database.dataSource.manager.count(CatalogSkuRefEntity)) < 1; i += 1) {
      if (i > 400) throw new Error('the first catalog events were not applied');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await register([line(TEST_CATALOG[0]!.code)])).errors).toBeUndefined();
    await refused(() => register([line(SKU.networkAdvanced)]), { code: 'SERVICE_UNAVAILABLE', retryable: true });
  });

  describe('once licenses\' catalog has arrived', () => {
    beforeAll(async () => {
      await receiveTestCatalog(bus, database);
    });

    it('accepts term SKUs of one product line in any case and spacing, stores their catalog codes and takes the product line from them', async () => {
      const result = await register([line(' endpoint-std-t '), line('Endpoint-Adv-T')]);
      expect(result.errors).toBeUndefined();
      expect(result.data!.registerDeal).toMatchObject({ productLine: 'ENDPOINT', lines: [{ sku: SKU.endpoint }, { sku: SKU.endpointAdvanced }] });
      const stored = await database.dataSource.manager.findBy(DealLineEntity, { dealId: result.data!.registerDeal.id });
      expect(stored.map((row) => row.sku).sort()).toEqual([SKU.endpointAdvanced, SKU.endpoint].sort());
    });

    it('accepts a product line given in any case when it is the lines\' own', async () => {
      const result = await register([line(SKU.networkAdvanced)], ' network ');
      expect(result.errors).toBeUndefined();
      expect(result.data!.registerDeal.productLine).toBe('NETWORK');
    });

    it('refuses a SKU that is not in the catalog, naming its line, writing nothing', async () => {
      const message = await refused(() => register([line(SKU.endpoint), line('WFBS-SVC')]), { code: 'BAD_USER_INPUT', field: 'lines[1].sku' });
      expect(message).toContain('not in the catalog');
    });

    it('refuses a usage SKU, which is billed from usage reports, writing nothing', async () => {
      const message = await refused(() => register([line(SKU.endpointUsage)]), { code: 'BAD_USER_INPUT', field: 'lines[0].sku' });
      expect(message).toContain('usage SKUs are billed monthly from usage reports, not sold on deals');
    });

    it('refuses a product line the lines do not belong to, writing nothing', async () => {
      await refused(() => register([line(SKU.endpoint)], 'NETWORK'), { code: 'BAD_USER_INPUT', field: 'productLine' });
      await refused(() => register([line(SKU.endpoint)], 'VIRTUALIZATION'), { code: 'BAD_USER_INPUT', field: 'productLine' });
    });

    it('refuses lines of two product lines (the specialization uplift and the conflict check key on one), writing nothing', async () => {
      const message = await refused(() => register([line(SKU.endpoint), line(SKU.network)]), { code: 'BAD_USER_INPUT', field: 'lines[1].sku' });
      expect(message).toContain('one product line');
    });

    it('looks up every line of a registration in one query', async () => {
      const lines = Array.from({ length: 60 }, (_, i) => line([SKU.endpoint, SKU.endpointAdvanced, SKU.endpointSuite][i % 3]!, 1 + i));
      const { result, statements } = await countQueries(database.queries, () => register(lines));
      expect(result.errors).toBeUndefined();
      expect(statements.filter((sql) => sql.includes('catalog_sku_ref'))).toHaveLength(1);
    });

    it('keeps the newest save of a SKU whatever order its events arrive in, and applies each event once', async () => {
      const code = 'ENDPOINT-SVC-T';
      const applied = async (...events: DomainEvent[]) => {
        await bus.publish(events);
        const ids = new Set(events.map((event) => event.id));
        for (let i = 0; ; i += 1) {
          const processed = await database.dataSource.manager.findBy(ProcessedEventEntity, { consumer: CATALOG_REFS_CONSUMER });
          if (processed.filter((row) => ids.has(row.eventId)).length === ids.size) return;
          if (i > 400) throw new Error('catalog events not applied');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      const newer = skuSaved({ code, name: 'Endpoint Security Services (term)', productLine: 'ENDPOINT', billing: 'TERM' }, '2026-03-01T00:00:00.000Z');
      const older = skuSaved({ code, name: 'Endpoint Security Services (usage)', productLine: 'ENDPOINT', billing: 'USAGE' }, '2026-02-01T00:00:00.000Z');
      await applied(newer, older, newer);
      expect(await database.dataSource.manager.findOneByOrFail(CatalogSkuRefEntity, { code })).toMatchObject({ billing: 'TERM', name: 'Endpoint Security Services (term)' });
      expect((await register([line(code.toLowerCase())])).errors).toBeUndefined();

      await applied(skuSaved({ code, name: 'Endpoint Security Services (usage)', productLine: 'ENDPOINT', billing: 'USAGE' }, '2026-04-01T00:00:00.000Z'));
      expect((await database.dataSource.manager.findOneByOrFail(CatalogSkuRefEntity, { code })).billing).toBe('USAGE');
      await refused(() => register([line(code)]), { code: 'BAD_USER_INPUT', field: 'lines[0].sku' });
    });

    it('parks a SKU whose payload the catalogue refuses, and goes on with the next', async () => {
      const bad = skuSaved({ code: 'ENDPOINT-LEASE-T', name: 'Leased', productLine: 'ENDPOINT', billing: 'LEASE' as never });
      const good = skuSaved({ code: 'EMAIL-STD-T', name: 'Email Security Standard (term)', productLine: 'EMAIL', billing: 'TERM' });
      await bus.publish([bad, good]);
      for (let i = 0; !(await database.dataSource.manager.existsBy(CatalogSkuRefEntity, { code: 'EMAIL-STD-T' })); i += 1) {
        if (i > 400) throw new Error('the event after a bad one was not applied');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await database.dataSource.manager.existsBy(CatalogSkuRefEntity, { code: 'ENDPOINT-LEASE-T' })).toBe(false);
      const parked = await database.dataSource.manager.findOneByOrFail(ParkedEventEntity, { consumer: CATALOG_REFS_CONSUMER, eventId: bad.id });
      expect(parked.reason).toContain('billing');
    });

    describe('deals registered before the catalog was checked', () => {
      const legacy: Record<'unknown' | 'usage' | 'otherLine' | 'good', string> = { unknown: '', usage: '', otherLine: '', good: '' };

      beforeAll(async () => {
        const manager = database.dataSource.manager;
        const insertDeal = async (productLine: string, skus: string[]) => {
          const id = newId();
          const at = new Date(`${DAY0}T09:00:00Z`);
          await manager.insert(DealEntity, {
            id,
            partnerId: PARTNER,
            distributorId: null,
            referringPartnerId: null,
            programCode: 'FR-2023',
            customerName: `Legacy ${id}`,
            customerKey: `legacy ${id}`,
            customerCountry: 'FR',
            customerDomain: null,
            type: 'NEW_CUSTOMER',
            productLine,
            segment: 'SMB',
            seats: skus.length * 10,
            amount: BigInt(skus.length) * 20_000n,
            currency: 'EUR',
            status: 'WON',
            expectedCloseDate: DAY0,
            registeredAt: at,
            approvedAt: at,
            expiresAt: null,
            closedAt: DAY0,
            reason: null,
            conflictWithId: null,
            registeredBy: 'legacy',
            updatedAt: at,
          });
          await manager.insert(
            DealLineEntity,
            skus.map((sku, position) => ({ id: newId(), dealId: id, position, sku, seats: 10, unitPrice: 2_000n, amount: 20_000n })),
          );
          return id;
        };
        legacy.unknown = await insertDeal('ENDPOINT', [SKU.endpoint, 'WFBS-SVC']);
        legacy.usage = await insertDeal('ENDPOINT', ['endpoint-std-u']);
        legacy.otherLine = await insertDeal('VIRTUALIZATION', [SKU.network]);
        legacy.good = await insertDeal('ENDPOINT', ['endpoint-adv-t']);
      });

      it('lists to staff every deal with a line outside the catalog, and why, page by page', async () => {
        const seen: Outside['dealsOutsideCatalog']['edges'][number]['node'][] = [];
        let after: string | null = null;
        for (;;) {
          const result: GraphQLResponse<Outside> = await call<Outside>(admin, OUTSIDE, { first: 2, after });
          expect(result.errors).toBeUndefined();
          const page = result.data!.dealsOutsideCatalog;
          expect(page.totalCount).toBeGreaterThanOrEqual(3);
          seen.push(...page.edges.map((edge) => edge.node));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const byId = new Map(seen.map((node) => [node.deal.id, node.lines]));
        expect(byId.get(legacy.unknown)).toEqual([{ position: 1, sku: 'WFBS-SVC', problem: 'UNKNOWN_SKU' }]);
        expect(byId.get(legacy.usage)).toEqual([{ position: 0, sku: 'endpoint-std-u', problem: 'USAGE_SKU' }]);
        expect(byId.get(legacy.otherLine)).toEqual([{ position: 0, sku: SKU.network, problem: 'OTHER_PRODUCT_LINE' }]);
        expect(byId.has(legacy.good)).toBe(false);
        // Every deal registered through the API in this suite is inside the catalog, unless the
        // catalog changed under it (ENDPOINT-SVC-T became a usage SKU in the test above).
        for (const [, lines] of byId) expect(lines.length).toBeGreaterThan(0);
      });

      it('refuses the report to partners', async () => {
        const result = await call(partner, OUTSIDE, { first: 10 });
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      });
    });
  });
});
