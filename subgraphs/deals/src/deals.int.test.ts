import { Not } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, pendingSchemaChanges, type Database } from '@hub/db';
import { addDays, adjustableClock } from '@hub/domain';
import { AUDIT_RECORDED, payloadOf } from '@hub/contracts';
import { InProcessBus, OutboxEntity, ProcessedEventEntity, type DomainEvent } from '@hub/events';
import { countQueries, createTestDatabase, subgraphClient, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import type { DealStatus } from './domain';
import { DealEntity, DealFeedEntryEntity, DealLineEntity, DistributorRefEntity, PartnerRefEntity } from './entities';
import { createDealsServer, openDealsDatabase } from './server';
import { receiveTestCatalog, SKU } from './int-test-catalog';
import { DealsService, type RegisterDealInput } from './services/deals.service';
import { outboxRecorder } from './services/outbox-recorder';
import { DealFeed } from './services/deal-feed';

const SECRET = 'integration-test-gateway-secret-0123456789';

/** Day 0 of the suite. Tests that need time to pass go back to their own epoch before it, so their sweeps touch only their deals. */
const DAY0 = '2026-06-15';
const EXPIRY_EPOCH = addDays(DAY0, -200);
const LAPSED_EPOCH = addDays(DAY0, -150);
const EXPIRED_STATE_EPOCH = addDays(DAY0, -100);

const PARTNER_A = newId();
const PARTNER_B = newId();
const PARTNER_C = newId();
const PARTNER_BULK = newId();
const DISTRIBUTOR_1 = newId();
const DISTRIBUTOR_2 = newId();

const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const channelManager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };
const bi: Claims = { sub: 'bi-tool', role: 'bi' };
const partnerA: Claims = { sub: 'user@alpha', role: 'partner', partnerId: PARTNER_A };
const partnerB: Claims = { sub: 'user@beta', role: 'partner', partnerId: PARTNER_B };
const distributor1: Claims = { sub: 'api@distri-un', role: 'distributor', distributorId: DISTRIBUTOR_1 };

/** What the partners subgraph publishes about these partners and distributors. */
const PARTNER_FACTS: DomainEvent[] = [
  fact('distributor.saved', DISTRIBUTOR_1, { distributorId: DISTRIBUTOR_1, name: 'Distri Un', countries: ['FR'], handlesRenewals: true, usageBasedProgram: false }),
  fact('distributor.saved', DISTRIBUTOR_2, { distributorId: DISTRIBUTOR_2, name: 'Distri Deux', countries: ['FR'], handlesRenewals: false, usageBasedProgram: true }),
  fact('partner.created', PARTNER_A, partnerSnapshot(PARTNER_A, 'Alpha Sécurité', [DISTRIBUTOR_1])),
  fact('partner.created', PARTNER_B, partnerSnapshot(PARTNER_B, 'Beta Réseaux', [DISTRIBUTOR_2])),
  fact('partner.created', PARTNER_C, partnerSnapshot(PARTNER_C, 'Gamma Conseil', [DISTRIBUTOR_1, DISTRIBUTOR_2])),
  fact('partner.created', PARTNER_BULK, partnerSnapshot(PARTNER_BULK, 'Volume Partenaire', [DISTRIBUTOR_1])),
];

function fact(type: string, aggregateId: string, payload: unknown): DomainEvent {
  return { id: newId(), type, version: 1, occurredAt: `${DAY0}T08:00:00.000Z`, source: 'partners', aggregateId, payload };
}

function partnerSnapshot(partnerId: string, name: string, distributorIds: string[]) {
  return { partnerId, name, country: 'FR', programCode: 'FR-2023', currency: 'EUR', status: 'ACTIVE', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds };
}

const DEAL = `id status type productLine segment seats amount { amount currency } expectedCloseDate registeredAt approvedAt expiresAt closedAt reason
  conflictWith { id } partner { id } distributor { id } referringPartner { id } endCustomer { name country domain }
  lines { sku seats unitPrice { amount currency } amount { amount currency } }`;

interface DealView {
  id: string;
  status: DealStatus;
  type: string;
  segment: 'SMB' | 'ENTERPRISE';
  seats: number;
  amount: { amount: string; currency: string };
  approvedAt: string | null;
  expiresAt: string | null;
  closedAt: string | null;
  reason: string | null;
  conflictWith: { id: string } | null;
  partner: { id: string };
  distributor: { id: string } | null;
  lines: { sku: string; seats: number; unitPrice: { amount: string; currency: string }; amount: { amount: string; currency: string } }[];
}

type Action = 'approve' | 'reject' | 'withdraw' | 'extend' | 'markWon' | 'markLost' | 'reverse';

const MUTATIONS: Record<Action, string> = {
  approve: `mutation ($id: ID!) { deal: approveDeal(id: $id) { ${DEAL} } }`,
  reject: `mutation ($id: ID!, $reason: String!) { deal: rejectDeal(id: $id, reason: $reason) { ${DEAL} } }`,
  withdraw: `mutation ($id: ID!) { deal: withdrawDeal(id: $id) { ${DEAL} } }`,
  extend: `mutation ($id: ID!, $days: Int!) { deal: extendDeal(id: $id, days: $days) { ${DEAL} } }`,
  markWon: `mutation ($id: ID!, $closedAt: Date!) { deal: markDealWon(id: $id, closedAt: $closedAt) { ${DEAL} } }`,
  markLost: `mutation ($id: ID!, $reason: String!) { deal: markDealLost(id: $id, reason: $reason) { ${DEAL} } }`,
  reverse: `mutation ($id: ID!, $reason: String!) { deal: reverseDeal(id: $id, reason: $reason) { ${DEAL} } }`,
};

/** The status each action aims for, as DEALS.INVALID_TRANSITION names it in `to`. */
const TARGET: Record<Action, DealStatus> = {
  approve: 'APPROVED',
  reject: 'REJECTED',
  withdraw: 'WITHDRAWN',
  extend: 'APPROVED',
  markWon: 'WON',
  markLost: 'LOST',
  reverse: 'REVERSED',
};

const LEGAL: Record<DealStatus, Action[]> = {
  SUBMITTED: ['approve', 'reject', 'withdraw'],
  APPROVED: ['extend', 'markWon', 'markLost'],
  WON: ['reverse'],
  REJECTED: [],
  WITHDRAWN: [],
  LOST: [],
  EXPIRED: [],
  REVERSED: [],
};

type RegistrationOverrides = Partial<Omit<RegisterDealInput, 'endCustomer'>> & { customer?: Partial<RegisterDealInput['endCustomer']> };

/** The same suite against MariaDB (production, CI) and the embedded SQLite default. */
describe.each([
  { dialect: 'mysql' as const },
  { dialect: 'sqlite' as const },
])('deals subgraph on $dialect', ({ dialect }) => {
  const clock = adjustableClock(`${DAY0}T10:00:00Z`);
  const at = (date: string) => clock.set(`${date}T10:00:00Z`);
  let testDb: TestDatabase | undefined;
  let database: Database;
  let bus: InProcessBus;
  let server: Awaited<ReturnType<typeof createDealsServer>>;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let customers = 0;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('deals') : undefined;
    database = await openDealsDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    bus = new InProcessBus();
    // The feed's poll reads in the background: far apart, so statement counts see only the request's.
    server = await createDealsServer({ database, bus, gatewaySecret: SECRET, clock, dealFeed: { pollMs: 3_600_000 } });
    const running = await server.start(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    await bus.publish(PARTNER_FACTS);
    await until(async () => (await database.dataSource.manager.count(PartnerRefEntity)) === 4 && (await database.dataSource.manager.count(DistributorRefEntity)) === 2);
    await receiveTestCatalog(bus, database);
  });

  afterEach(() => at(DAY0));

  afterAll(async () => {
    await close?.();
    await bus?.close();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const manager = () => database.dataSource.manager;
  const dealRows = () => manager().count(DealEntity);
  const lineRows = () => manager().count(DealLineEntity);
  const outboxRows = () => manager().count(OutboxEntity);
  const row = (id: string) => manager().findOneByOrFail(DealEntity, { id });

  function registration(overrides: RegistrationOverrides = {}): RegisterDealInput {
    customers += 1;
    const { customer, ...rest } = overrides;
    return {
      partnerId: PARTNER_A,
      distributorId: DISTRIBUTOR_1,
      endCustomer: { name: `Kunde ${customers} GmbH`, country: 'DE', domain: `kunde-${customers}.example`, ...customer },
      type: 'NEW_CUSTOMER',
      productLine: 'ENDPOINT',
      lines: [{ sku: SKU.endpoint, seats: 25, unitPrice: '19.99' }],
      expectedCloseDate: addDays(clock.today(), 60),
      ...rest,
    };
  }

  const REGISTER = `mutation ($input: RegisterDealInput!) { deal: registerDeal(input: $input) { ${DEAL} } }`;

  /** Registers for the calling partner (partner A for staff) unless told otherwise. */
  function tryRegister(claims: Claims, overrides: RegistrationOverrides = {}) {
    return call<{ deal: DealView }>(claims, REGISTER, { input: registration({ partnerId: claims.partnerId ?? PARTNER_A, ...overrides }) });
  }

  async function register(claims: Claims = admin, overrides: RegistrationOverrides = {}): Promise<DealView> {
    return (await must(tryRegister(claims, overrides))).deal;
  }

  function act(claims: Claims, action: Action, id: string, args: { reason?: string; days?: number; closedAt?: string } = {}) {
    return call<{ deal: DealView }>(claims, MUTATIONS[action], { id, reason: 'a reason', days: 30, closedAt: clock.today(), ...args });
  }

  async function done(claims: Claims, action: Action, id: string, args: { reason?: string; days?: number; closedAt?: string } = {}): Promise<DealView> {
    return (await must(act(claims, action, id, args))).deal;
  }

  /** The registration `id` is flagged against, as staff see it. */
  async function conflictWith(id: string): Promise<string | null> {
    const read = await must(call<{ deal: DealView }>(admin, `query ($id: ID!) { deal(id: $id) { conflictWith { id } } }`, { id }));
    return read.deal.conflictWith?.id ?? null;
  }

  /** A deal (partner A's unless overridden) brought to `status` through the API; EXPIRED: approved long ago and swept. */
  async function dealIn(status: DealStatus, overrides: RegistrationOverrides = {}): Promise<string> {
    if (status === 'EXPIRED') {
      at(EXPIRED_STATE_EPOCH);
      const { id } = await register(admin, overrides);
      await done(admin, 'approve', id);
      at(DAY0);
      await server.deals.expireDue();
      expect((await row(id)).status).toBe('EXPIRED');
      return id;
    }
    const { id } = await register(admin, overrides);
    if (status === 'SUBMITTED') return id;
    if (status === 'REJECTED' || status === 'WITHDRAWN') {
      await done(admin, status === 'REJECTED' ? 'reject' : 'withdraw', id);
      return id;
    }
    await done(admin, 'approve', id);
    if (status === 'APPROVED') return id;
    if (status === 'LOST') {
      await done(admin, 'markLost', id);
      return id;
    }
    await done(admin, 'markWon', id);
    if (status === 'REVERSED') await done(admin, 'reverse', id);
    return id;
  }

  it('has migrations that produce exactly the schema the entities describe', async () => {
    const runner = database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  describe('lifecycle', () => {
    it('registers a deal SUBMITTED, approves it for 90 days and marks it WON on its close date', async () => {
      const submitted = await register(partnerA);
      expect(submitted).toMatchObject({ status: 'SUBMITTED', approvedAt: null, expiresAt: null, closedAt: null, partner: { id: PARTNER_A }, distributor: { id: DISTRIBUTOR_1 } });
      const approved = await done(channelManager, 'approve', submitted.id);
      expect(approved).toMatchObject({ status: 'APPROVED', approvedAt: `${DAY0}T10:00:00.000Z`, expiresAt: addDays(DAY0, 90) });
      const won = await done(admin, 'markWon', submitted.id, { closedAt: DAY0 });
      expect(won).toMatchObject({ status: 'WON', closedAt: DAY0, expiresAt: addDays(DAY0, 90) });
      expect((await row(submitted.id)).status).toBe('WON');
    });

    it('marks an approved deal LOST with its reason and the day it was lost', async () => {
      const id = await dealIn('APPROVED');
      const lost = await done(admin, 'markLost', id, { reason: 'customer chose a competitor' });
      expect(lost).toMatchObject({ status: 'LOST', reason: 'customer chose a competitor', closedAt: DAY0 });
    });

    it('rejects a submitted deal with its reason, and refuses a blank reason', async () => {
      const id = await dealIn('SUBMITTED');
      const blank = await act(admin, 'reject', id, { reason: '   ' });
      expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      const rejected = await done(admin, 'reject', id, { reason: 'end customer outside the territory' });
      expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'end customer outside the territory' });
    });

    it('lets the registering partner withdraw its submission and refuses another partner with FORBIDDEN', async () => {
      const { id } = await register(partnerA);
      const [before, outboxBefore] = [await row(id), await outboxRows()];
      const stranger = await act(partnerB, 'withdraw', id);
      expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await row(id)).toEqual(before);
      expect(await outboxRows()).toBe(outboxBefore);
      expect(await done(partnerA, 'withdraw', id)).toMatchObject({ status: 'WITHDRAWN' });
    });

    it('answers FORBIDDEN to another partner or a distributor withdrawing a deal in any status, without revealing the status', async () => {
      for (const status of ['SUBMITTED', 'APPROVED', 'WON'] as const) {
        const id = await dealIn(status);
        for (const claims of [partnerB, distributor1]) {
          const refused = await act(claims, 'withdraw', id);
          expect(refused.errors?.[0]?.extensions, `${claims.role} on ${status}`).toEqual({ code: 'FORBIDDEN' });
          expect(refused.errors?.[0]?.message).not.toContain(status);
        }
        expect((await row(id)).status).toBe(status);
      }
    });

    it('extends an approval by the given days from its current expiry, within the program limit', async () => {
      const id = await dealIn('APPROVED');
      expect((await done(admin, 'extend', id, { days: 30 })).expiresAt).toBe(addDays(DAY0, 120));
      expect((await done(admin, 'extend', id, { days: 1 })).expiresAt).toBe(addDays(DAY0, 121));
      for (const days of [0, -5, 91]) {
        const refused = await act(admin, 'extend', id, { days });
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
      }
      expect((await row(id)).expiresAt).toBe(addDays(DAY0, 121));
    });

    it('reverses a won deal with its reason', async () => {
      const id = await dealIn('WON');
      expect(await done(admin, 'reverse', id, { reason: 'customer cancelled within 30 days' })).toMatchObject({
        status: 'REVERSED',
        reason: 'customer cancelled within 30 days',
      });
    });

    it.each(Object.keys(LEGAL) as DealStatus[])('refuses every illegal transition from %s with DEALS.INVALID_TRANSITION and changes nothing', async (status) => {
      const id = await dealIn(status);
      const illegal = (Object.keys(MUTATIONS) as Action[]).filter((action) => !LEGAL[status].includes(action));
      for (const action of illegal) {
        const [before, outboxBefore] = [await row(id), await outboxRows()];
        const result = await act(admin, action, id);
        expect(result.errors?.[0]?.extensions, `${status} → ${action}`).toMatchObject({ code: 'DEALS.INVALID_TRANSITION', from: status, to: TARGET[action] });
        expect(result.errors?.[0]?.message).toContain(status);
        expect(await row(id)).toEqual(before);
        expect(await outboxRows()).toBe(outboxBefore);
      }
    });
  });

  describe('amount, seats and segment', () => {
    it('derives seats and the exact amount from three lines', async () => {
      const deal = await register(partnerA, {
        lines: [
          { sku: SKU.endpoint, seats: 100, unitPrice: '19.99' },
          { sku: SKU.endpointSuite, seats: 50, unitPrice: '0.05' },
          { sku: SKU.endpointAdvanced, seats: 1, unitPrice: '1234.56' },
        ],
      });
      expect(deal.seats).toBe(151);
      expect(deal.amount).toEqual({ amount: '3236.06', currency: 'EUR' });
      expect(deal.lines).toEqual([
        { sku: SKU.endpoint, seats: 100, unitPrice: { amount: '19.99', currency: 'EUR' }, amount: { amount: '1999.00', currency: 'EUR' } },
        { sku: SKU.endpointSuite, seats: 50, unitPrice: { amount: '0.05', currency: 'EUR' }, amount: { amount: '2.50', currency: 'EUR' } },
        { sku: SKU.endpointAdvanced, seats: 1, unitPrice: { amount: '1234.56', currency: 'EUR' }, amount: { amount: '1234.56', currency: 'EUR' } },
      ]);
      expect((await row(deal.id)).amount).toBe(323606n);
    });

    it('is SMB at exactly 500 seats and ENTERPRISE at 501', async () => {
      const lines = (last: number) => [
        { sku: SKU.endpoint, seats: 300, unitPrice: '10.00' },
        { sku: SKU.endpoint, seats: last, unitPrice: '10.00' },
      ];
      expect(await register(partnerA, { lines: lines(200) })).toMatchObject({ seats: 500, segment: 'SMB' });
      expect(await register(partnerA, { lines: lines(201) })).toMatchObject({ seats: 501, segment: 'ENTERPRISE' });
    });
  });

  describe('approval validity', () => {
    it('keeps a registration approved on day 0 through day 90 and expires it on day 91 with a deal.expired event', async () => {
      at(EXPIRY_EPOCH);
      const { id } = await register(admin);
      await done(admin, 'approve', id);

      at(addDays(EXPIRY_EPOCH, 90));
      await server.deals.expireDue();
      expect((await row(id)).status).toBe('APPROVED');
      expect(await manager().countBy(OutboxEntity, { aggregateId: id, type: 'deal.expired' })).toBe(0);

      at(addDays(EXPIRY_EPOCH, 91));
      await server.deals.expireDue();
      expect((await row(id)).status).toBe('EXPIRED');
      const events = await manager().findBy(OutboxEntity, { aggregateId: id, type: 'deal.expired' });
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({ kind: 'EXPIRED', dealId: id, status: 'EXPIRED', expiresAt: addDays(EXPIRY_EPOCH, 90) });
    });

    it('refuses markDealWon on day 91 before the sweep has run, and names the approval EXPIRED for every other change too', async () => {
      at(LAPSED_EPOCH);
      const { id } = await register(admin);
      await done(admin, 'approve', id);

      at(addDays(LAPSED_EPOCH, 91));
      const [before, outboxBefore] = [await row(id), await outboxRows()];
      const late = await act(admin, 'markWon', id, { closedAt: addDays(LAPSED_EPOCH, 91) });
      expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'DEALS.INVALID_TRANSITION', from: 'EXPIRED', to: 'WON' });
      for (const action of Object.keys(MUTATIONS) as Action[]) {
        const refused = await act(admin, action, id);
        expect(refused.errors?.[0]?.extensions, action).toMatchObject({ code: 'DEALS.INVALID_TRANSITION', from: 'EXPIRED', to: TARGET[action] });
      }
      expect(await row(id)).toEqual(before);
      expect(await outboxRows()).toBe(outboxBefore);
    });
  });

  describe('conflicts', () => {
    it('flags another partner registering the same end customer under a normalised name, and protects the first', async () => {
      const first = await register(partnerA, { customer: { name: 'Acme Industries S.A.', domain: 'acme-industries.example' } });
      const second = await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name: 'ACME industries, SA', domain: null } });
      expect(await conflictWith(second.id)).toBe(first.id);
      expect(await conflictWith(first.id)).toBeNull();

      const approve = await act(admin, 'approve', second.id);
      expect(approve.errors?.[0]?.extensions).toMatchObject({ code: 'DEALS.CONFLICT', conflictWith: first.id });
      expect((await row(second.id)).status).toBe('SUBMITTED');
      expect((await done(admin, 'approve', first.id)).status).toBe('APPROVED');

      // The protected registration belongs to A: B may not read it, so B is not shown it.
      const seenByB = await must(call<{ deal: DealView }>(partnerB, `query ($id: ID!) { deal(id: $id) { conflictWith { id } } }`, { id: second.id }));
      expect(seenByB.deal.conflictWith).toBeNull();
      const otherLine = await register(partnerB, {
        distributorId: DISTRIBUTOR_2,
        productLine: 'NETWORK',
        lines: [{ sku: SKU.network, seats: 25, unitPrice: '19.99' }],
        customer: { name: 'Acme Industries', domain: null },
      });
      expect(await conflictWith(otherLine.id)).toBeNull();
    });

    it('flags exactly one of two partners registering the same customer at the same moment', async () => {
      for (let i = 0; i < 10; i += 1) {
        const customer = { name: `Simultaneous ${i} GmbH`, domain: `simultaneous-${i}.example` };
        const [a, b] = await Promise.all([
          register(partnerA, { customer }),
          register(partnerB, { distributorId: DISTRIBUTOR_2, customer }),
        ]);
        const flags = [await conflictWith(a.id), await conflictWith(b.id)];
        // Whichever committed first is protected; the other points at it.
        expect(flags.filter((flag) => flag !== null)).toHaveLength(1);
        expect(flags).toContain(flags[0] === null ? a.id : b.id);
      }
    });

    it('flags the same domain under another name, against an approved registration', async () => {
      const first = await register(partnerA, { customer: { name: 'Globex', domain: 'globex.example' } });
      await done(admin, 'approve', first.id);
      const second = await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name: 'Globex Holdings Europe', domain: 'https://www.Globex.example/' } });
      expect(await conflictWith(second.id)).toBe(first.id);
    });

    it('resolves a conflict for the protected registration: the newcomer is REJECTED and both are unflagged', async () => {
      const first = await register(partnerA, { customer: { name: 'Initech', domain: 'initech.example' } });
      await done(admin, 'approve', first.id);
      const second = await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name: 'Initech', domain: null } });
      expect(await conflictWith(second.id)).toBe(first.id);

      const resolved = await must(
        call<{ resolveConflict: DealView }>(admin, `mutation ($d: ID!, $w: ID!) { resolveConflict(dealId: $d, winnerDealId: $w) { ${DEAL} } }`, { d: second.id, w: first.id }),
      );
      expect(resolved.resolveConflict).toMatchObject({ id: first.id, status: 'APPROVED', conflictWith: null });
      expect(await row(second.id)).toMatchObject({ status: 'REJECTED', conflictWithId: null, reason: expect.stringContaining(first.id) });
    });

    it('resolves a conflict for the newcomer: the first, still submitted, is REJECTED and the newcomer can be approved', async () => {
      const first = await register(partnerA, { customer: { name: 'Umbrella Corp', domain: 'umbrella.example' } });
      const second = await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name: 'Umbrella Corporation', domain: null } });
      expect(await conflictWith(second.id)).toBe(first.id);

      const resolved = await must(
        call<{ resolveConflict: DealView }>(admin, `mutation ($d: ID!, $w: ID!) { resolveConflict(dealId: $d, winnerDealId: $w) { ${DEAL} } }`, { d: second.id, w: second.id }),
      );
      expect(resolved.resolveConflict).toMatchObject({ id: second.id, status: 'SUBMITTED', conflictWith: null });
      expect(await row(first.id)).toMatchObject({ status: 'REJECTED', conflictWithId: null });
      expect((await done(admin, 'approve', second.id)).status).toBe('APPROVED');
      expect(await manager().countBy(OutboxEntity, { aggregateId: first.id, type: 'deal.rejected' })).toBe(1);
      expect(await manager().countBy(OutboxEntity, { aggregateId: second.id, type: 'deal.conflict_resolved' })).toBe(1);
    });

    it('settles a flag whose protected registration was withdrawn meanwhile: the flag goes, the withdrawal stays', async () => {
      const first = await register(partnerA, { customer: { name: 'Hooli', domain: 'hooli.example' } });
      const second = await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name: 'Hooli Inc.', domain: null } });
      expect(await conflictWith(second.id)).toBe(first.id);
      await done(partnerA, 'withdraw', first.id);

      const resolved = await must(
        call<{ resolveConflict: DealView }>(admin, `mutation ($d: ID!, $w: ID!) { resolveConflict(dealId: $d, winnerDealId: $w) { ${DEAL} } }`, { d: second.id, w: second.id }),
      );
      expect(resolved.resolveConflict).toMatchObject({ id: second.id, status: 'SUBMITTED', conflictWith: null });
      expect(await row(first.id)).toMatchObject({ status: 'WITHDRAWN', reason: null });
      expect(await manager().countBy(OutboxEntity, { aggregateId: first.id, type: 'deal.rejected' })).toBe(0);
      expect((await done(admin, 'approve', second.id)).status).toBe('APPROVED');
    });

    it('does not flag a customer whose earlier registration has lapsed, expired or been lost', async () => {
      const flagOfB = async (name: string, domain: string | null) =>
        conflictWith((await register(partnerB, { distributorId: DISTRIBUTOR_2, customer: { name, domain } })).id);

      at(EXPIRED_STATE_EPOCH);
      const lapsed = await register(partnerA, { customer: { name: 'Lapsed Ltd', domain: null } });
      await done(admin, 'approve', lapsed.id);
      at(DAY0);
      expect((await row(lapsed.id)).status).toBe('APPROVED');
      expect(await flagOfB('Lapsed', null)).toBeNull();

      await dealIn('EXPIRED', { customer: { name: 'Expired SARL', domain: 'expired.example' } });
      expect(await flagOfB('Expired', 'expired.example')).toBeNull();

      await dealIn('LOST', { customer: { name: 'Lost GmbH', domain: 'lost.example' } });
      expect(await flagOfB('Lost', 'lost.example')).toBeNull();
    });
  });

  describe('bad input', () => {
    it.each<[string, RegistrationOverrides, string]>([
      ['no lines', { lines: [] }, 'lines'],
      ['zero seats', { lines: [{ sku: SKU.endpoint, seats: 0, unitPrice: '10.00' }] }, 'lines[0].seats'],
      ['negative seats', { lines: [{ sku: SKU.endpoint, seats: -5, unitPrice: '10.00' }] }, 'lines[0].seats'],
      ['a negative price', { lines: [{ sku: SKU.endpoint, seats: 5, unitPrice: '-1.00' }] }, 'lines[0].unitPrice'],
      ['an unknown partner', { partnerId: newId() }, 'partnerId'],
      ['an unknown distributor', { distributorId: newId() }, 'distributorId'],
      ['a distributor the partner does not buy through', { distributorId: DISTRIBUTOR_2 }, 'distributorId'],
      ['an expected close date in the past', { expectedCloseDate: addDays(DAY0, -1) }, 'expectedCloseDate'],
      ['an empty customer name', { customer: { name: '   ' } }, 'endCustomer.name'],
      ['a bad country', { customer: { country: 'XY' } }, 'endCustomer.country'],
    ])('rejects %s with BAD_USER_INPUT naming the field, writing nothing', async (_case, overrides, field) => {
      const before = [await dealRows(), await lineRows(), await outboxRows()];
      const result = await tryRegister(admin, overrides);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(field);
      expect([await dealRows(), await lineRows(), await outboxRows()]).toEqual(before);
    });

    it('refuses a partner registering a deal for another partner with FORBIDDEN, writing nothing', async () => {
      const before = await dealRows();
      const result = await tryRegister(partnerB, { partnerId: PARTNER_A });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await dealRows()).toBe(before);
    });
  });

  describe('access', () => {
    const LIST = `{ deals(first: 500) { totalCount edges { node { id partner { id } distributor { id } } } } }`;
    type Listed = { deals: { totalCount: number; edges: { node: { id: string; partner: { id: string }; distributor: { id: string } | null } }[] } };
    const READ = `query ($id: ID!) { deal(id: $id) { id } }`;

    it('lets a partner list and read only its own deals', async () => {
      const own = await register(partnerA);
      const theirs = await register(partnerB, { distributorId: DISTRIBUTOR_2 });
      const listed = await must(call<Listed>(partnerA, LIST));
      expect(listed.deals.edges.length).toBe(await manager().countBy(DealEntity, { partnerId: PARTNER_A }));
      expect(listed.deals.totalCount).toBe(listed.deals.edges.length);
      expect(listed.deals.edges.every((edge) => edge.node.partner.id === PARTNER_A)).toBe(true);
      expect((await must(call<{ deal: { id: string } }>(partnerA, READ, { id: own.id }))).deal.id).toBe(own.id);
      const denied = await call(partnerA, READ, { id: theirs.id });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('lets a distributor list and read only the deals it fulfils', async () => {
      const fulfilled = await register(partnerA, { distributorId: DISTRIBUTOR_1 });
      const elsewhere = await register(partnerB, { distributorId: DISTRIBUTOR_2 });
      const listed = await must(call<Listed>(distributor1, LIST));
      expect(listed.deals.totalCount).toBe(await manager().countBy(DealEntity, { distributorId: DISTRIBUTOR_1 }));
      expect(listed.deals.edges.every((edge) => edge.node.distributor?.id === DISTRIBUTOR_1)).toBe(true);
      expect(listed.deals.edges.map((edge) => edge.node.id)).toContain(fulfilled.id);
      expect(listed.deals.edges.map((edge) => edge.node.id)).not.toContain(elsewhere.id);
      const denied = await call(distributor1, READ, { id: elsewhere.id });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('lets bi read every deal', async () => {
      const theirs = await register(partnerB, { distributorId: DISTRIBUTOR_2 });
      const listed = await must(call<Listed>(bi, LIST));
      expect(listed.deals.totalCount).toBe(await dealRows());
      expect((await must(call<{ deal: { id: string } }>(bi, READ, { id: theirs.id }))).deal.id).toBe(theirs.id);
    });

    it('lets only vendor admins and channel managers approve', async () => {
      const { id } = await register(partnerA);
      const before = await row(id);
      for (const claims of [partnerA, distributor1, bi]) {
        const refused = await act(claims, 'approve', id);
        expect(refused.errors?.[0]?.extensions?.code, claims.role).toBe('FORBIDDEN');
      }
      expect(await row(id)).toEqual(before);
      expect((await done(channelManager, 'approve', id)).status).toBe('APPROVED');
    });
  });

  describe('events', () => {
    it('records a deal.won event with every fact the incentives compute from', async () => {
      const { id } = await register(partnerA, {
        referringPartnerId: PARTNER_C,
        type: 'NEW_SOLUTION',
        productLine: 'NETWORK',
        lines: [
          { sku: SKU.networkAdvanced, seats: 400, unitPrice: '300.00' },
          { sku: SKU.network, seats: 101, unitPrice: '0.99' },
        ],
      });
      await done(admin, 'approve', id);
      await done(admin, 'markWon', id, { closedAt: DAY0 });
      const events = await manager().findBy(OutboxEntity, { aggregateId: id, type: 'deal.won' });
      expect(events).toHaveLength(1);
      const payload = payloadOf(events[0]!, 'deal.won', 1);
      expect(payload).toMatchObject({
        kind: 'WON',
        dealId: id,
        partnerId: PARTNER_A,
        distributorId: DISTRIBUTOR_1,
        referringPartnerId: PARTNER_C,
        programCode: 'FR-2023',
        type: 'NEW_SOLUTION',
        productLine: 'NETWORK',
        segment: 'ENTERPRISE',
        seats: 501,
        amountMinor: '12009999',
        currency: 'EUR',
        status: 'WON',
        approvedAt: `${DAY0}T10:00:00.000Z`,
        expiresAt: addDays(DAY0, 90),
        closedAt: DAY0,
        lines: [
          { sku: SKU.networkAdvanced, seats: 400, unitPriceMinor: '30000', amountMinor: '12000000' },
          { sku: SKU.network, seats: 101, unitPriceMinor: '99', amountMinor: '9999' },
        ],
      });
      expect(
        (await manager().find(OutboxEntity, { where: { aggregateId: id }, order: { id: 'ASC' } })).map((event) => event.type),
      ).toEqual(['deal.submitted', 'deal.approved', 'deal.won']);
    });

    it('commits a state change and its event together: when the event cannot be written, the deal is unchanged', async () => {
      const id = await dealIn('APPROVED');
      const feed = new DealFeed(database.dataSource, 30 * 24 * 60 * 60 * 1000);
      const realRecorder = outboxRecorder(clock, feed, () => undefined);
      const failing = new DealsService(database, clock, {
        async record(transaction, kind, deal, lines) {
          await realRecorder.record(transaction, kind, deal, lines);
          throw new Error('outbox write failed');
        },
        committed: () => undefined,
      });
      const [before, outboxBefore, feedBefore] = [await row(id), await outboxRows(), await feed.head()];
      await expect(failing.markWon(admin, id, DAY0)).rejects.toThrow('outbox write failed');
      expect(await row(id)).toEqual(before);
      expect(await outboxRows()).toBe(outboxBefore);
      // The feed's position was taken and its entry written in the same transaction: both undone.
      expect(await feed.head()).toBe(feedBefore);
      expect(await database.dataSource.manager.countBy(DealFeedEntryEntity, { dealId: id, type: 'deal.won' })).toBe(0);
    });

    it('writes no event when a transition fails after the status was set (a close date before registration)', async () => {
      const id = await dealIn('APPROVED');
      const [before, outboxBefore] = [await row(id), await outboxRows()];
      const result = await act(admin, 'markWon', id, { closedAt: addDays(DAY0, -1) });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closedAt' });
      expect(await row(id)).toEqual(before);
      expect(await outboxRows()).toBe(outboxBefore);
    });
  });

  describe('filters and pagination', () => {
    const ids: Record<'won' | 'renewal' | 'lost' | 'recent', string> = { won: '', renewal: '', lost: '', recent: '' };

    beforeAll(async () => {
      // Partner C's four deals, registered on different days.
      at(addDays(DAY0, -30));
      ids.won = (await register(admin, { partnerId: PARTNER_C, distributorId: DISTRIBUTOR_1, expectedCloseDate: addDays(DAY0, 10) })).id;
      await done(admin, 'approve', ids.won);
      at(addDays(DAY0, -20));
      ids.renewal = (await register(admin, {
        partnerId: PARTNER_C,
        distributorId: DISTRIBUTOR_2,
        type: 'RENEWAL',
        lines: [{ sku: SKU.endpoint, seats: 600, unitPrice: '5.00' }],
        expectedCloseDate: addDays(DAY0, 40),
      })).id;
      at(addDays(DAY0, -10));
      ids.lost = (await register(admin, {
        partnerId: PARTNER_C,
        distributorId: DISTRIBUTOR_1,
        type: 'NEW_SOLUTION',
        lines: [{ sku: SKU.endpoint, seats: 501, unitPrice: '5.00' }],
        expectedCloseDate: addDays(DAY0, 70),
      })).id;
      await done(admin, 'approve', ids.lost);
      at(DAY0);
      ids.recent = (await register(admin, { partnerId: PARTNER_C, distributorId: null, expectedCloseDate: addDays(DAY0, 100) })).id;
      await done(admin, 'markWon', ids.won, { closedAt: addDays(DAY0, -5) });
      await done(admin, 'markLost', ids.lost);
    });

    const filtered = async (filter: Record<string, unknown>) => {
      const result = await must(
        call<{ deals: { totalCount: number; edges: { node: { id: string } }[] } }>(bi, `query ($f: DealFilter) { deals(filter: $f, first: 500) { totalCount edges { node { id } } } }`, {
          f: { partnerId: PARTNER_C, ...filter },
        }),
      );
      expect(result.deals.totalCount).toBe(result.deals.edges.length);
      return result.deals.edges.map((edge) => edge.node.id).sort();
    };
    const sorted = (...keys: (keyof typeof ids)[]) => keys.map((key) => ids[key]).sort();

    it('filters by partner, status list, distributor, type and segment', async () => {
      expect(await filtered({})).toEqual(sorted('won', 'renewal', 'lost', 'recent'));
      expect(await filtered({ status: ['WON', 'LOST'] })).toEqual(sorted('won', 'lost'));
      expect(await filtered({ status: ['SUBMITTED'] })).toEqual(sorted('renewal', 'recent'));
      expect(await filtered({ distributorId: DISTRIBUTOR_2 })).toEqual(sorted('renewal'));
      expect(await filtered({ distributorId: DISTRIBUTOR_1 })).toEqual(sorted('won', 'lost'));
      expect(await filtered({ type: 'RENEWAL' })).toEqual(sorted('renewal'));
      expect(await filtered({ type: 'NEW_CUSTOMER' })).toEqual(sorted('won', 'recent'));
      expect(await filtered({ segment: 'ENTERPRISE' })).toEqual(sorted('renewal', 'lost'));
    });

    it('filters by registration, expected close and close date ranges, both ends inclusive', async () => {
      expect(await filtered({ registeredFrom: addDays(DAY0, -20), registeredTo: addDays(DAY0, -10) })).toEqual(sorted('renewal', 'lost'));
      expect(await filtered({ registeredFrom: DAY0 })).toEqual(sorted('recent'));
      expect(await filtered({ registeredTo: addDays(DAY0, -30) })).toEqual(sorted('won'));
      expect(await filtered({ expectedCloseFrom: addDays(DAY0, 40), expectedCloseTo: addDays(DAY0, 70) })).toEqual(sorted('renewal', 'lost'));
      expect(await filtered({ closedFrom: addDays(DAY0, -5), closedTo: addDays(DAY0, -5) })).toEqual(sorted('won'));
      expect(await filtered({ closedFrom: addDays(DAY0, -4) })).toEqual(sorted('lost'));
    });

    it('walks every deal exactly once with keyset cursors', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const page: { deals: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await must(
          call(bi, `query ($after: String) { deals(first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after }),
        );
        total = page.deals.totalCount;
        seen.push(...page.deals.edges.map((edge) => edge.node.id));
        after = page.deals.pageInfo.hasNextPage ? page.deals.pageInfo.endCursor : null;
      } while (after);
      expect(total).toBe(await dealRows());
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });

    it('rejects first over the cap of 500 and a forged cursor with BAD_USER_INPUT', async () => {
      const tooMany = await call(bi, '{ deals(first: 501) { totalCount } }');
      expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const forged = await call(bi, '{ deals(first: 5, after: "not-a-cursor") { totalCount } }');
      expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  it('lists 100 deals with their lines and amounts in as many SQL statements as 10', async () => {
    for (let i = 0; i < 100; i += 1) {
      await server.deals.register(
        admin,
        registration({
          partnerId: PARTNER_BULK,
          lines: [
            { sku: SKU.endpoint, seats: 10 + i, unitPrice: '19.99' },
            { sku: SKU.endpointSuite, seats: 1, unitPrice: '250.00' },
          ],
        }),
      );
    }
    const query = `query ($n: Int, $p: ID) { deals(first: $n, filter: { partnerId: $p }) { totalCount edges { node {
      id seats segment amount { amount currency } lines { sku seats unitPrice { amount } amount { amount } } conflictWith { id } partner { id } } } } }`;
    type Listed = GraphQLResponse<{ deals: { edges: { node: { lines: unknown[] } }[] } }>;
    // The webhooks consumer takes each deal event (not the audit trail's) in the background: let it
    // catch up. The outbox relay and the webhook dispatcher poll the same database: pause them. Then
    // only the listing is counted.
    const dealEvents = () => manager().countBy(OutboxEntity, { type: Not(AUDIT_RECORDED) });
    await until(async () => (await manager().countBy(ProcessedEventEntity, { consumer: 'deals.webhooks' })) >= (await dealEvents()));
    await server.relay.stop();
    await server.dispatcher.stop();
    try {
      const ten = await countQueries(database.queries, () => call(bi, query, { n: 10, p: PARTNER_BULK }) as Promise<Listed>);
      const hundred = await countQueries(database.queries, () => call(bi, query, { n: 100, p: PARTNER_BULK }) as Promise<Listed>);
      expect(ten.result.data!.deals.edges).toHaveLength(10);
      expect(hundred.result.data!.deals.edges).toHaveLength(100);
      expect(hundred.result.data!.deals.edges.every((edge) => edge.node.lines.length === 2)).toBe(true);
      expect(hundred.count, hundred.statements.join('\n')).toBe(ten.count);
      expect(hundred.count).toBeLessThanOrEqual(5);
    } finally {
      server.relay.start();
      server.dispatcher.start();
    }
  });
});

async function must<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
  const result = await response;
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
