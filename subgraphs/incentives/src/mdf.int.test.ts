import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, openDatabase, type Database } from '@hub/db';
import { adjustableClock } from '@hub/domain';
import { applyOnce, type DomainEvent } from '@hub/events';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { incentivesEntities, MdfAllocationEntity, MdfClaimEntity, MdfRequestEntity, PayoutLineEntity, StatementEntity } from './entities';
import { incentivesMigrations } from './migrations';
import { seedRules } from './seeds/rules';
import { applyLedgerEvent, LEDGER_CONSUMER } from './services/ledger.consumer';
import { MdfService } from './services/mdf.service';
import { StatementsService } from './services/statements.service';
import { event } from './test/ledger-events';

const AU_PREMIER = newId();
const AU_ASSOCIATE = newId();
const AU_OTHER = newId();
const AU_BUSY = newId();
const AU_FRESH = newId();
/** National (not eligible) until it becomes Premier on 2026-10-01. */
const AU_RISING = newId();
/** Premier on 2026-07-01, National from 2026-07-05. */
const AU_PROMOTED = newId();
const AU_REVIEW = newId();
const FR_EXPERT = newId();

const PROGRAMS = [
  {
    code: 'FR-2023',
    currency: 'EUR',
    noDowngradeUntil: '2024-12-31',
    tiers: ['REGISTERED', 'SKILL', 'EXPERT', 'ELITE'].map((code, i) => ({ code, name: code, rank: i + 1, minCertifiedStaff: i * 5, minRevenueMinor: String(i * 10_000_000), capacity: null })),
    specializations: [],
  },
  {
    code: 'AU-2014',
    currency: 'AUD',
    noDowngradeUntil: null,
    tiers: ['ASSOCIATE', 'PREMIER', 'NATIONAL'].map((code, i) => ({ code, name: code, rank: i + 1, minCertifiedStaff: i * 3, minRevenueMinor: String(i * 12_000_000), capacity: null })),
    specializations: [],
  },
];


function partner(partnerId: string, programCode: string, currency: string, status = 'ACTIVE') {
  return event('partner.created', partnerId, { partnerId, name: `Partner ${partnerId.slice(-4)}`, country: programCode === 'FR-2023' ? 'FR' : 'AU', programCode, currency, status, segmentFocus: 'SMB', distributorIds: [] });
}

function tier(partnerId: string, tierCode: string, effectiveFrom: string) {
  return event('partner.tier_assigned', partnerId, { partnerId, programCode: 'AU-2014', tierCode, effectiveFrom });
}

const staff: Claims = { sub: 'cm-1', role: 'channel_manager' };
const admin: Claims = { sub: 'admin-1', role: 'vendor_admin' };
const bi: Claims = { sub: 'bi-1', role: 'bi' };
const distributor: Claims = { sub: 'dist-1', role: 'distributor', distributorId: newId() };
const asPartner = (partnerId: string): Claims => ({ sub: `user-${partnerId.slice(-4)}`, role: 'partner', partnerId });

function withSlowInserts(manager: EntityManager): EntityManager {
  return new Proxy(manager, {
    get(target, property, receiver) {
      if (property !== 'insert') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<EntityManager['insert']>) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return target.insert(...args);
      };
    },
  });
}

/** The error an operation fails with; the test fails if it succeeds. */
async function failure(operation: Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  return operation.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    },
    (error: { code: string; field?: string; message: string }) => error,
  );
}

describe.each([{ dialect: 'mysql' as const }, { dialect: 'sqlite' as const }])('MDF on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  const clock = adjustableClock('2026-07-10T10:00:00Z');
  let mdf: MdfService;

  const apply = (events: DomainEvent[]) => events.reduce((done, e) => done.then(() => applyOnce(database, LEDGER_CONSUMER, e, applyLedgerEvent, new Date()).then(() => undefined)), Promise.resolve());

  /** Every MDF row as stored, to show a refused operation wrote nothing. */
  const snapshot = async () => {
    const manager = database.dataSource.manager;
    const [allocations, requests, claims] = await Promise.all([
      manager.find(MdfAllocationEntity, { order: { id: 'ASC' } }),
      manager.find(MdfRequestEntity, { order: { id: 'ASC' } }),
      manager.find(MdfClaimEntity, { order: { id: 'ASC' } }),
    ]);
    return { counts: [allocations.length, requests.length, claims.length], rows: JSON.stringify({ allocations, requests, claims }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) };
  };

  const heldOf = async (allocationId: string) => {
    const requests = await database.dataSource.manager.findBy(MdfRequestEntity, { allocationId });
    return requests.filter((r) => r.status !== 'REJECTED').reduce((sum, r) => sum + r.amount, 0n);
  };

  const linesOf = async (payeeId: string, period: string) => {
    const statement = await database.dataSource.manager.findOneBy(StatementEntity, { payeeId, period });
    if (!statement) return null;
    const lines = await database.dataSource.manager.find(PayoutLineEntity, { where: { statementId: statement.id }, order: { position: 'ASC' } });
    return { statement, lines };
  };

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('incentives_mdf') : undefined;
    database = await openDatabase({ ...(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' }), entities: incentivesEntities, migrations: incentivesMigrations });
    await database.transaction((manager) => seedRules(manager));
    mdf = new MdfService(database, clock);
    await apply([
      ...PROGRAMS.map((program) => event('program.saved', program.code, program)),
      ...[AU_PREMIER, AU_ASSOCIATE, AU_OTHER, AU_BUSY, AU_FRESH, AU_RISING, AU_PROMOTED].map((id) => partner(id, 'AU-2014', 'AUD')),
      partner(AU_REVIEW, 'AU-2014', 'AUD', 'ON_REVIEW'),
      partner(FR_EXPERT, 'FR-2023', 'EUR'),
      ...[AU_PREMIER, AU_OTHER, AU_FRESH, AU_REVIEW].map((id) => tier(id, 'PREMIER', '2026-01-01')),
      ...[AU_ASSOCIATE, AU_BUSY].map((id) => tier(id, 'ASSOCIATE', '2026-01-01')),
      tier(AU_RISING, 'NATIONAL', '2026-01-01'),
      tier(AU_RISING, 'PREMIER', '2026-10-01'),
      tier(AU_PROMOTED, 'PREMIER', '2026-01-01'),
      tier(AU_PROMOTED, 'NATIONAL', '2026-07-05'),
      event('partner.tier_assigned', FR_EXPERT, { partnerId: FR_EXPERT, programCode: 'FR-2023', tierCode: 'EXPERT', effectiveFrom: '2026-01-01' }),
    ]);
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  describe('from allocation to payout', () => {
    let allocationId: string;
    let paidClaimId: string;
    let laterClaimId: string;

    it('allocates, requests within the balance, gives a rejected request back and claims an approved one, to the cent', async () => {
      clock.set('2026-07-10T10:00:00Z');
      const allocation = await mdf.allocate(staff, AU_PREMIER, '2026-Q3', '10000.00');
      allocationId = allocation.id;
      expect(allocation).toMatchObject({ partnerId: AU_PREMIER, period: '2026-Q3', amount: 1_000_000n, currency: 'AUD', allocatedBy: 'cm-1' });
      expect(await mdf.remaining(allocation)).toBe(1_000_000n);

      const booth = await mdf.request(asPartner(AU_PREMIER), { partnerId: AU_PREMIER, period: '2026-Q3', amount: '4000.00', activity: '  Trade show booth ' });
      expect(booth).toMatchObject({ allocationId, partnerId: AU_PREMIER, amount: 400_000n, currency: 'AUD', activity: 'Trade show booth', status: 'PENDING', decidedAt: null });
      expect(await mdf.remaining(allocation)).toBe(600_000n);

      const webinar = await mdf.request(staff, { partnerId: AU_PREMIER, period: '2026-Q3', amount: '2500.50', activity: 'Webinar series' });
      expect(await mdf.remaining(allocation)).toBe(349_950n);

      expect(await mdf.decideRequest(staff, booth.id, true, ' Go ahead ')).toMatchObject({ status: 'APPROVED', decisionNote: 'Go ahead', decidedAt: new Date('2026-07-10T10:00:00Z') });
      expect(await mdf.remaining(allocation)).toBe(349_950n);
      expect(await mdf.decideRequest(admin, webinar.id, false, null)).toMatchObject({ status: 'REJECTED', decisionNote: null });
      expect(await mdf.remaining(allocation)).toBe(600_000n);

      clock.set('2026-08-20T09:00:00Z');
      const invoice = await mdf.claim(asPartner(AU_PREMIER), { requestId: booth.id, amount: '3000.00', proofOfPerformance: 'dms://invoices/booth-2026-08.pdf' });
      paidClaimId = invoice.id;
      expect(invoice).toMatchObject({ requestId: booth.id, partnerId: AU_PREMIER, amount: 300_000n, currency: 'AUD', status: 'PENDING', decidedOn: null });
      expect(await failure(mdf.claim(asPartner(AU_PREMIER), { requestId: booth.id, amount: '1000.01', proofOfPerformance: 'dms://photos/booth' }))).toMatchObject({
        code: 'INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST',
        message: 'The claim of 1000.01 AUD exceeds the 1000.00 AUD left to claim on its request',
      });
      const photos = await mdf.claim(staff, { requestId: booth.id, amount: '1000.00', proofOfPerformance: 'dms://photos/booth' });

      expect(await mdf.decideClaim(staff, invoice.id, true)).toMatchObject({ status: 'APPROVED', decidedOn: '2026-08-20' });
      expect(await mdf.decideClaim(staff, photos.id, false, 'Photos are not proof of spend')).toMatchObject({ status: 'REJECTED', decisionNote: 'Photos are not proof of spend' });
      // The rejected claim gave its 1,000.00 back to the request.
      const later = await mdf.claim(asPartner(AU_PREMIER), { requestId: booth.id, amount: '1000.00', proofOfPerformance: 'dms://invoices/booth-extra.pdf' });
      laterClaimId = later.id;

      expect((await mdf.allocationsOf(asPartner(AU_PREMIER), AU_PREMIER)).map((a) => [a.id, a.amount])).toEqual([[allocationId, 1_000_000n]]);
      expect((await mdf.allocation(bi, AU_PREMIER, '2026-Q3'))?.id).toBe(allocationId);
      expect(await mdf.allocation(bi, AU_PREMIER, '2026-Q4')).toBeNull();
      expect((await mdf.requestsOf(asPartner(AU_PREMIER), allocationId)).map((r) => [r.id, r.amount, r.status])).toEqual([
        [booth.id, 400_000n, 'APPROVED'],
        [webinar.id, 250_050n, 'REJECTED'],
      ]);
      expect((await mdf.claimsOf(bi, booth.id)).map((c) => [c.amount, c.status])).toEqual([
        [300_000n, 'APPROVED'],
        [100_000n, 'REJECTED'],
        [100_000n, 'PENDING'],
      ]);
    });

    it('changes the amount of an allocation again, never below what its requests hold', async () => {
      const before = await snapshot();
      expect(await failure(mdf.allocate(staff, AU_PREMIER, '2026-Q3', '3999.99'))).toMatchObject({
        code: 'INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS',
        message: 'An allocation of 3999.99 AUD is less than the 4000.00 AUD its pending and approved requests hold',
      });
      expect(await snapshot()).toEqual(before);

      const lowered = await mdf.allocate(admin, AU_PREMIER, '2026-Q3', '4000.00');
      expect(lowered).toMatchObject({ id: allocationId, amount: 400_000n, allocatedBy: 'admin-1' });
      expect(await mdf.remaining(lowered)).toBe(0n);
      const raised = await mdf.allocate(staff, AU_PREMIER, '2026-Q3', '10000');
      expect(await mdf.remaining(raised)).toBe(600_000n);
      expect(await database.dataSource.manager.countBy(MdfAllocationEntity, { partnerId: AU_PREMIER })).toBe(1);
    });

    it('pays an approved claim as an MDF line of the statement of the quarter it was approved in', async () => {
      const statements = new StatementsService(database, clock);
      await statements.compute('2026-Q3');
      const q3 = await linesOf(AU_PREMIER, '2026-Q3');
      expect(q3!.lines.map((l) => [l.rule, l.source, l.base, l.rate, l.amount])).toEqual([['MDF', `mdf-claim:${paidClaimId}`, 300_000n, '100%', 300_000n]]);
      expect(q3!.lines[0]!.explanation).toBe('MDF claim for "Trade show booth" approved on 2026-08-20 with proof of performance dms://invoices/booth-2026-08.pdf: 3000.00 AUD');
      expect(q3!.statement.total).toBe(300_000n);

      // Claimed in Q3, approved in Q4: paid in Q4, and Q3 is unchanged.
      clock.set('2026-10-02T08:00:00Z');
      expect(await mdf.decideClaim(admin, laterClaimId, true)).toMatchObject({ status: 'APPROVED', decidedOn: '2026-10-02' });
      await statements.compute('2026-Q3');
      expect((await linesOf(AU_PREMIER, '2026-Q3'))!.lines.map((l) => l.source)).toEqual([`mdf-claim:${paidClaimId}`]);
      await statements.compute('2026-Q4');
      const q4 = await linesOf(AU_PREMIER, '2026-Q4');
      expect(q4!.lines.map((l) => [l.rule, l.source, l.amount])).toEqual([['MDF', `mdf-claim:${laterClaimId}`, 100_000n]]);
    });

    it('does not approve a claim into a quarter whose statement is already approved', async () => {
      const request = await mdf.request(asPartner(AU_PREMIER), { partnerId: AU_PREMIER, period: '2026-Q3', amount: '500.00', activity: 'Partner summit' });
      await mdf.decideRequest(staff, request.id, true);
      const claim = await mdf.claim(asPartner(AU_PREMIER), { requestId: request.id, amount: '500.00', proofOfPerformance: 'dms://summit' });
      await database.dataSource.manager.update(StatementEntity, { payeeId: AU_PREMIER, period: '2026-Q4' }, { status: 'APPROVED' });

      const before = await snapshot();
      expect(await failure(mdf.decideClaim(staff, claim.id, true))).toMatchObject({ code: 'INCENTIVES.PERIOD_CLOSED' });
      expect(await snapshot()).toEqual(before);
      clock.set('2027-01-04T08:00:00Z');
      expect(await mdf.decideClaim(staff, claim.id, true)).toMatchObject({ status: 'APPROVED', decidedOn: '2027-01-04' });
    });
  });

  describe('eligibility', () => {
    it('allocates to Premier and Associate partners of a program with an MDF rule', async () => {
      clock.set('2026-07-10T10:00:00Z');
      expect(await mdf.allocate(staff, AU_ASSOCIATE, '2026-Q3', '2500.00')).toMatchObject({ amount: 250_000n, currency: 'AUD' });
    });

    it('reads the tier on the first day of a period that has not begun, and today\'s tier once it has', async () => {
      clock.set('2026-07-10T10:00:00Z');
      // National today, Premier from 2026-10-01.
      expect(await mdf.allocate(staff, AU_RISING, '2026-Q4', '1000.00')).toMatchObject({ period: '2026-Q4' });
      expect(await failure(mdf.allocate(staff, AU_RISING, '2026-Q3', '1000.00'))).toMatchObject({ code: 'INCENTIVES.MDF_NOT_ELIGIBLE', message: expect.stringContaining('tier on 2026-07-10 is NATIONAL') });
      // Premier on 2026-07-01, National since 2026-07-05.
      expect(await failure(mdf.allocate(staff, AU_PROMOTED, '2026-Q3', '1000.00'))).toMatchObject({ code: 'INCENTIVES.MDF_NOT_ELIGIBLE' });
    });
  });

  describe('refuses bad input with its code and field, writing nothing', () => {
    let allocationId: string;
    let pendingId: string;
    let approvedId: string;
    let claimId: string;

    beforeAll(async () => {
      clock.set('2026-07-10T10:00:00Z');
      allocationId = (await mdf.allocate(staff, AU_OTHER, '2026-Q3', '1000.00')).id;
      pendingId = (await mdf.request(asPartner(AU_OTHER), { partnerId: AU_OTHER, period: '2026-Q3', amount: '100.00', activity: 'Newsletter' })).id;
      approvedId = (await mdf.request(asPartner(AU_OTHER), { partnerId: AU_OTHER, period: '2026-Q3', amount: '200.00', activity: 'Roadshow' })).id;
      await mdf.decideRequest(staff, approvedId, true);
      claimId = (await mdf.claim(asPartner(AU_OTHER), { requestId: approvedId, amount: '50.00', proofOfPerformance: 'dms://roadshow' })).id;
      await mdf.decideClaim(staff, claimId, true);
    });

    const me = () => asPartner(AU_OTHER);
    const requestFor = (fields: Partial<{ partnerId: string; period: string; amount: string; activity: string }>, claims: Claims = me()) =>
      mdf.request(claims, { partnerId: AU_OTHER, period: '2026-Q3', amount: '10.00', activity: 'Ads', ...fields });
    const claimOn = (fields: Partial<{ requestId: string; amount: string; proofOfPerformance: string }>, claims: Claims = me()) =>
      mdf.claim(claims, { requestId: approvedId, amount: '10.00', proofOfPerformance: 'dms://ads', ...fields });

    const cases: [string, () => Promise<unknown>, Record<string, unknown>][] = [
      ['an allocation for an unknown partner', () => mdf.allocate(staff, newId(), '2026-Q3', '10.00'), { code: 'BAD_USER_INPUT', field: 'partnerId' }],
      ['an allocation for a period that is not a quarter', () => mdf.allocate(staff, AU_OTHER, '2026-Q5', '10.00'), { code: 'BAD_USER_INPUT', field: 'period' }],
      ['an allocation of zero', () => mdf.allocate(staff, AU_FRESH, '2026-Q3', '0.00'), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['a negative allocation', () => mdf.allocate(staff, AU_FRESH, '2026-Q3', '-100.00'), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['an allocation with a fraction of a cent', () => mdf.allocate(staff, AU_FRESH, '2026-Q3', '100.001'), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['an allocation that is not a number', () => mdf.allocate(staff, AU_FRESH, '2026-Q3', '1e6'), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['an allocation too large to store', () => mdf.allocate(staff, AU_FRESH, '2026-Q3', '100000000000000000.00'), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['an allocation for a program without an MDF rule', () => mdf.allocate(staff, FR_EXPERT, '2026-Q3', '10.00'), { code: 'INCENTIVES.MDF_NOT_ELIGIBLE' }],
      ['an allocation for a partner on review', () => mdf.allocate(staff, AU_REVIEW, '2026-Q3', '10.00'), { code: 'INCENTIVES.MDF_NOT_ELIGIBLE' }],
      ['an allocation by the partner itself', () => mdf.allocate(me(), AU_OTHER, '2026-Q3', '5000.00'), { code: 'FORBIDDEN' }],
      ['an allocation by BI', () => mdf.allocate(bi, AU_OTHER, '2026-Q3', '5000.00'), { code: 'FORBIDDEN' }],
      ['an allocation without claims', () => mdf.allocate(null, AU_OTHER, '2026-Q3', '5000.00'), { code: 'UNAUTHENTICATED' }],
      ['a request without an activity', () => requestFor({ activity: '   ' }), { code: 'BAD_USER_INPUT', field: 'activity' }],
      ['a request with an activity over 1000 characters', () => requestFor({ activity: 'x'.repeat(1001) }), { code: 'BAD_USER_INPUT', field: 'activity' }],
      ['a request of zero', () => requestFor({ amount: '0' }), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['a request with a fraction of a cent', () => requestFor({ amount: '12.345' }), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['a request for a period that is not a quarter', () => requestFor({ period: 'soon' }), { code: 'BAD_USER_INPUT', field: 'period' }],
      ['a request for a period without an allocation', () => requestFor({ period: '2026-Q4' }), { code: 'BAD_USER_INPUT', field: 'period' }],
      ['a request for an unknown partner', () => requestFor({ partnerId: newId() }, staff), { code: 'BAD_USER_INPUT', field: 'partnerId' }],
      ['a request one cent over the balance', () => requestFor({ amount: '700.01' }), { code: 'INCENTIVES.MDF_INSUFFICIENT_BALANCE' }],
      ['a request by BI', () => requestFor({}, bi), { code: 'FORBIDDEN' }],
      ['a decision on an unknown request', () => mdf.decideRequest(staff, newId(), true), { code: 'NOT_FOUND' }],
      ['a second decision on a request', () => mdf.decideRequest(staff, approvedId, false), { code: 'INCENTIVES.INVALID_STATE' }],
      ['a decision note over 1000 characters', () => mdf.decideRequest(staff, pendingId, true, 'x'.repeat(1001)), { code: 'BAD_USER_INPUT', field: 'note' }],
      ['a decision on a request by its partner', () => mdf.decideRequest(me(), pendingId, true), { code: 'FORBIDDEN' }],
      ['a claim on an unknown request', () => claimOn({ requestId: newId() }), { code: 'BAD_USER_INPUT', field: 'requestId' }],
      ['a claim on a pending request', () => claimOn({ requestId: pendingId }), { code: 'INCENTIVES.INVALID_STATE' }],
      ['a claim without proof of performance', () => claimOn({ proofOfPerformance: '' }), { code: 'BAD_USER_INPUT', field: 'proofOfPerformance' }],
      ['a claim with proof over 500 characters', () => claimOn({ proofOfPerformance: 'x'.repeat(501) }), { code: 'BAD_USER_INPUT', field: 'proofOfPerformance' }],
      ['a claim of zero', () => claimOn({ amount: '0.00' }), { code: 'BAD_USER_INPUT', field: 'amount' }],
      ['a claim one cent over what the request has left', () => claimOn({ amount: '150.01' }), { code: 'INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST' }],
      ['a decision on an unknown claim', () => mdf.decideClaim(staff, newId(), true), { code: 'NOT_FOUND' }],
      ['a second decision on a claim', () => mdf.decideClaim(staff, claimId, false), { code: 'INCENTIVES.INVALID_STATE' }],
      ['a decision on a claim by BI', () => mdf.decideClaim(bi, claimId, true), { code: 'FORBIDDEN' }],
    ];

    it.each(cases)('refuses %s', async (_, operation, expected) => {
      const before = await snapshot();
      expect(await failure(operation())).toMatchObject(expected);
      expect(await snapshot()).toEqual(before);
    });

    it('still holds what it held before', async () => {
      const allocation = (await mdf.allocation(staff, AU_OTHER, '2026-Q3'))!;
      expect(allocation.id).toBe(allocationId);
      expect(await mdf.remaining(allocation)).toBe(70_000n);
    });
  });

  describe('a partner acts and reads only for itself', () => {
    let allocationId: string;
    let requestId: string;

    beforeAll(async () => {
      clock.set('2026-07-10T10:00:00Z');
      allocationId = (await mdf.allocate(staff, AU_FRESH, '2026-Q3', '1000.00')).id;
      requestId = (await mdf.request(asPartner(AU_FRESH), { partnerId: AU_FRESH, period: '2026-Q3', amount: '100.00', activity: 'Ads' })).id;
      await mdf.decideRequest(staff, requestId, true);
    });

    it('cannot request or claim another partner\'s funds', async () => {
      const intruder = asPartner(AU_ASSOCIATE);
      const before = await snapshot();
      expect(await failure(mdf.request(intruder, { partnerId: AU_FRESH, period: '2026-Q3', amount: '10.00', activity: 'Ads' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(mdf.claim(intruder, { requestId, amount: '10.00', proofOfPerformance: 'dms://ads' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await failure(mdf.request(distributor, { partnerId: AU_FRESH, period: '2026-Q3', amount: '10.00', activity: 'Ads' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await snapshot()).toEqual(before);
    });

    it('cannot read another partner\'s allocations, requests or claims; staff and BI read all', async () => {
      for (const outsider of [asPartner(AU_ASSOCIATE), distributor]) {
        expect(await failure(mdf.allocation(outsider, AU_FRESH, '2026-Q3'))).toMatchObject({ code: 'FORBIDDEN' });
        expect(await failure(mdf.allocationsOf(outsider, AU_FRESH))).toMatchObject({ code: 'FORBIDDEN' });
        expect(await failure(mdf.requestsOf(outsider, allocationId))).toMatchObject({ code: 'FORBIDDEN' });
        expect(await failure(mdf.claimsOf(outsider, requestId))).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect(await failure(mdf.allocationsOf(null, AU_FRESH))).toMatchObject({ code: 'UNAUTHENTICATED' });
      for (const reader of [asPartner(AU_FRESH), staff, bi]) {
        expect((await mdf.allocationsOf(reader, AU_FRESH)).map((a) => a.id)).toEqual([allocationId]);
        expect((await mdf.requestsOf(reader, allocationId)).map((r) => r.id)).toEqual([requestId]);
        expect(await mdf.claimsOf(reader, requestId)).toEqual([]);
      }
    });
  });

  describe('under concurrency', () => {
    let allocationId: string;

    /**
     * The service over a database that counts transactions open at once, to show the operations
     * really overlap on MariaDB's pool, and holds each insert back a little, as a slow network
     * would: without the row lock, everything that read the balance in that window would pass.
     */
    const contended = () => {
      let open = 0;
      let most = 0;
      const watched: Database = {
        ...database,
        transaction: (work) =>
          database.transaction(async (manager) => {
            most = Math.max(most, ++open);
            try {
              return await work(withSlowInserts(manager));
            } finally {
              open -= 1;
            }
          }),
      };
      return { service: new MdfService(watched, clock), mostOpen: () => most };
    };

    it('never takes more than the allocation: of 20 simultaneous requests of 1,000.00 against 10,000.00, exactly 10 succeed', async () => {
      clock.set('2026-07-10T10:00:00Z');
      allocationId = (await mdf.allocate(staff, AU_BUSY, '2026-Q3', '10000.00')).id;
      const { service, mostOpen } = contended();

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          service.request(asPartner(AU_BUSY), { partnerId: AU_BUSY, period: '2026-Q3', amount: '1000.00', activity: `Campaign ${i + 1}` }).then(
            () => 'granted',
            (error: { code: string }) => error.code,
          ),
        ),
      );

      expect(outcomes.filter((o) => o === 'granted')).toHaveLength(10);
      expect(outcomes.filter((o) => o !== 'granted')).toEqual(Array(10).fill('INCENTIVES.MDF_INSUFFICIENT_BALANCE'));
      expect(await heldOf(allocationId)).toBe(1_000_000n);
      if (dialect === 'mysql') expect(mostOpen()).toBeGreaterThan(1);
    });

    it('frees a rejected request\'s amount for the next request, and only that', async () => {
      const [first] = await database.dataSource.manager.find(MdfRequestEntity, { where: { allocationId }, order: { requestedAt: 'ASC', id: 'ASC' } });
      await mdf.decideRequest(staff, first!.id, false, 'Duplicate');
      const allocation = (await mdf.allocation(staff, AU_BUSY, '2026-Q3'))!;
      expect(await mdf.remaining(allocation)).toBe(100_000n);

      expect(await failure(mdf.request(asPartner(AU_BUSY), { partnerId: AU_BUSY, period: '2026-Q3', amount: '1000.01', activity: 'Campaign 21' }))).toMatchObject({
        code: 'INCENTIVES.MDF_INSUFFICIENT_BALANCE',
        message: 'The request of 1000.01 AUD exceeds the remaining MDF balance of 1000.00 AUD',
      });
      await mdf.request(asPartner(AU_BUSY), { partnerId: AU_BUSY, period: '2026-Q3', amount: '1000.00', activity: 'Campaign 21' });
      expect(await mdf.remaining(allocation)).toBe(0n);
      expect(await heldOf(allocationId)).toBe(1_000_000n);
    });

    it('never claims more than a request: of 6 simultaneous claims of 300.00 against 1,000.00, exactly 3 succeed', async () => {
      const requests = await mdf.requestsOf(staff, allocationId);
      const request = requests.find((r) => r.status === 'PENDING')!;
      await mdf.decideRequest(staff, request.id, true);
      const { service, mostOpen } = contended();
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          service.claim(asPartner(AU_BUSY), { requestId: request.id, amount: '300.00', proofOfPerformance: `dms://campaign/${i}` }).then(
            () => 'claimed',
            (error: { code: string }) => error.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(3);
      expect(outcomes.filter((o) => o !== 'claimed')).toEqual(Array(3).fill('INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST'));
      const claims = await mdf.claimsOf(staff, request.id);
      expect(claims.reduce((sum, c) => sum + c.amount, 0n)).toBe(90_000n);
      if (dialect === 'mysql') expect(mostOpen()).toBeGreaterThan(1);
    });

    it('keeps one allocation per partner and period when staff allocate it at the same time', async () => {
      const amounts = ['100.00', '200.00', '300.00', '400.00', '500.00'];
      const { service, mostOpen } = contended();
      const results = await Promise.all(amounts.map((amount) => service.allocate(staff, AU_ASSOCIATE, '2026-Q4', amount)));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const [row, ...others] = await database.dataSource.manager.findBy(MdfAllocationEntity, { partnerId: AU_ASSOCIATE, period: '2026-Q4' });
      expect(others).toEqual([]);
      expect(results.map((r) => r.amount)).toContain(row!.amount);
      if (dialect === 'mysql') expect(mostOpen()).toBeGreaterThan(1);
    });
  });
});
