import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { payloadOf } from '@hub/contracts';
import type { Database } from '@hub/db';
import { fixedClock } from '@hub/domain';
import { OutboxEntity } from '@hub/events';
import { createTestDatabase, subgraphClient, tableRowCounts, type GraphQLResponse, type TestDatabase } from '@hub/testing';
import { seedDemoData } from './seeds/seed';
import { createPartnersServer, openPartnersDatabase } from './server';

/*
 * Programs and ladders edited through the API (saveProgram, saveTier): each save is the
 * program's next version, effective from a date, published as program.saved with the whole
 * book; refusals name the field and write nothing; only vendor admins may edit.
 */

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const channelManager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };

const SAVE_TIER = 'mutation ($input: SaveTierInput!) { saveTier(input: $input) { id code rank minRevenue { amount currency } capacity program { version effectiveFrom } } }';
const SAVE_PROGRAM = 'mutation ($input: SaveProgramInput!) { saveProgram(input: $input) { code version effectiveFrom currency tiers { code rank } specializations { code } } }';
const CREATE = 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id tier { code } } }';
const ASSIGN = 'mutation ($p: ID!, $t: String!) { assignTier(partnerId: $p, tierCode: $t, effectiveFrom: "2026-06-15", reason: "review") { id } }';
const LADDER = '{ program(code: "CH-2011") { version tiers { code rank minRevenue { amount } capacity } } }';

const chTier = (overrides: Record<string, unknown> = {}) => ({
  programCode: 'CH-2011',
  code: 'GOLD',
  name: 'Gold',
  minCertifiedStaff: 4,
  minRevenue: '600000.00',
  effectiveFrom: '2026-09-01',
  ...overrides,
});

const newProgram = (overrides: Record<string, unknown> = {}) => ({
  code: 'AT-2027',
  name: 'Austria Partner Program 2027',
  currency: 'EUR',
  countries: ['AT'],
  effectiveFrom: '2027-01-01',
  tiers: [
    { code: 'REGISTERED', name: 'Registered', minCertifiedStaff: 0, minRevenue: '0' },
    { code: 'ADVANCED', name: 'Advanced', minCertifiedStaff: 2, minRevenue: '80000', capacity: 20 },
  ],
  specializations: [{ code: 'CLOUD_SECURITY', name: 'Cloud security', productLine: 'CLOUD', requiredSales: 1, requiredTechnical: 1 }],
  ...overrides,
});

describe.each(['mysql', 'sqlite'] as const)('programs edited through the API on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let chDistributor: string;

  async function made<T>(response: Promise<GraphQLResponse<T>>): Promise<T> {
    const { data, errors } = await response;
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    return data!;
  }

  async function refused(claims: Claims, query: string, variables: Record<string, unknown>, expected: Record<string, unknown>): Promise<void> {
    const before = await tableRowCounts(database.dataSource);
    const result = await call(claims, query, variables);
    expect(result.errors?.[0]?.extensions, JSON.stringify(result.errors)).toMatchObject(expected);
    expect(await tableRowCounts(database.dataSource)).toEqual(before);
  }

  const lastProgramSaved = async (code: string) => {
    const rows = await database.dataSource.manager.find(OutboxEntity, { where: { type: 'program.saved', aggregateId: code }, order: { id: 'DESC' }, take: 1 });
    return payloadOf(rows[0]!, 'program.saved', 1);
  };

  const chPartner = async (name: string): Promise<string> =>
    (
      await made(
        call<{ createPartner: { id: string } }>(admin, CREATE, {
          input: { name, country: 'CH', programCode: 'CH-2011', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [chDistributor] },
        }),
      )
    ).createPartner.id;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners_program_admin') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
    const server = await createPartnersServer({ database, gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.listen(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    const { distributors } = await made(call<{ distributors: { id: string; countries: string[] }[] }>(admin, '{ distributors { id countries } }'));
    chDistributor = distributors.find((d) => d.countries.includes('CH'))!.id;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('saveTier writes the next version, answers it at once and publishes the whole ladder', async () => {
    const { saveTier } = await made(call<{ saveTier: Record<string, unknown> }>(admin, SAVE_TIER, { input: chTier({ effectiveFrom: '2026-07-01' }) }));
    expect(saveTier).toEqual({
      id: 'CH-2011:GOLD',
      code: 'GOLD',
      rank: 3,
      minRevenue: { amount: '600000.00', currency: 'CHF' },
      capacity: null,
      program: { version: 2, effectiveFrom: '2026-07-01' },
    });
    // The process's copy of the ladder was dropped on commit: the next read sees the edit.
    const { program } = await made(call<{ program: { version: number; tiers: { code: string; minRevenue: { amount: string } }[] } }>(admin, LADDER));
    expect(program.version).toBe(2);
    expect(program.tiers.find((tier) => tier.code === 'GOLD')!.minRevenue.amount).toBe('600000.00');
    const event = await lastProgramSaved('CH-2011');
    expect(event).toMatchObject({ version: 2, effectiveFrom: '2026-07-01' });
    expect(event.tiers.map((tier) => [tier.code, tier.minRevenueMinor])).toEqual([
      ['BRONZE', '0'],
      ['SILVER', '10000000'],
      ['GOLD', '60000000'],
      ['PLATINUM', '150000000'],
    ]);
  });

  it('a tier placed at a taken rank moves the ones above it up', async () => {
    await made(call(admin, SAVE_TIER, { input: chTier({ code: 'GOLD_PLUS', name: 'Gold Plus', rank: 4, minCertifiedStaff: 6, minRevenue: '900000', effectiveFrom: '2026-08-01' }) }));
    const { program } = await made(call<{ program: { version: number; tiers: { code: string; rank: number }[] } }>(admin, LADDER));
    expect(program.version).toBe(3);
    expect(program.tiers.map((tier) => `${tier.rank}:${tier.code}`)).toEqual(['1:BRONZE', '2:SILVER', '3:GOLD', '4:GOLD_PLUS', '5:PLATINUM']);
  });

  it('refuses a ladder on which a higher tier asks for less, naming the field', async () => {
    await refused(admin, SAVE_TIER, { input: chTier({ minRevenue: '50000' }) }, { code: 'BAD_USER_INPUT', field: 'minRevenue' });
    await refused(admin, SAVE_TIER, { input: chTier({ minCertifiedStaff: 1 }) }, { code: 'BAD_USER_INPUT', field: 'minCertifiedStaff' });
  });

  it('refuses a capacity below the partners holding the tier', async () => {
    for (const name of ['Kapazität Eins AG', 'Kapazität Zwei AG']) await made(call(admin, ASSIGN, { p: await chPartner(name), t: 'SILVER' }));
    await refused(
      admin,
      SAVE_TIER,
      { input: chTier({ code: 'SILVER', name: 'Silver', minCertifiedStaff: 2, minRevenue: '100000', capacity: 1, effectiveFrom: '2026-09-01' }) },
      { code: 'BAD_USER_INPUT', field: 'capacity' },
    );
  });

  it('refuses other bad edits by name and writes nothing', async () => {
    await refused(admin, SAVE_TIER, { input: chTier({ effectiveFrom: '2026-01-01' }) }, { code: 'BAD_USER_INPUT', field: 'effectiveFrom' });
    await refused(admin, SAVE_TIER, { input: chTier({ minRevenue: '-1' }) }, { code: 'BAD_USER_INPUT', field: 'minRevenue' });
    await refused(admin, SAVE_TIER, { input: chTier({ code: 'NEW', name: 'New' }) }, { code: 'BAD_USER_INPUT', field: 'rank' });
    await refused(admin, SAVE_TIER, { input: chTier({ code: 'NEW', name: 'New', rank: 9 }) }, { code: 'BAD_USER_INPUT', field: 'rank' });
    await refused(admin, SAVE_TIER, { input: chTier({ programCode: 'XX-1999' }) }, { code: 'NOT_FOUND' });
    const ch = { code: 'CH-2011', name: 'Swiss Partner Program 2011', currency: 'CHF', countries: ['CH', 'LI'], effectiveFrom: '2026-10-01' };
    await refused(admin, SAVE_PROGRAM, { input: { ...ch, currency: 'EUR' } }, { code: 'BAD_USER_INPUT', field: 'currency' });
    await refused(admin, SAVE_PROGRAM, { input: { ...ch, countries: ['LI'] } }, { code: 'BAD_USER_INPUT', field: 'countries' });
    await refused(admin, SAVE_PROGRAM, { input: { ...ch, countries: ['CH', 'XY'] } }, { code: 'BAD_USER_INPUT', field: 'countries' });
    await refused(
      admin,
      SAVE_PROGRAM,
      { input: { ...ch, tiers: [{ code: 'BRONZE', name: 'Bronze', minCertifiedStaff: 1, minRevenue: '0' }] } },
      { code: 'BAD_USER_INPUT', field: 'tiers' }, // SILVER has holders: it stays on the ladder
    );
    await refused(admin, SAVE_PROGRAM, { input: newProgram({ tiers: null }) }, { code: 'BAD_USER_INPUT', field: 'tiers' });
    await refused(
      admin,
      SAVE_PROGRAM,
      { input: newProgram({ tiers: [{ code: 'A', name: 'A', rank: 1, minCertifiedStaff: 0, minRevenue: '0' }, { code: 'B', name: 'B', rank: 3, minCertifiedStaff: 0, minRevenue: '0' }] }) },
      { code: 'BAD_USER_INPUT', field: 'tiers[1].rank' },
    );
    await refused(admin, SAVE_PROGRAM, { input: newProgram({ code: 'at 2027!' }) }, { code: 'BAD_USER_INPUT', field: 'code' });
  });

  it('each save is in the audit trail, with the admin who made it', async () => {
    const { auditEvents } = await made(
      call<{ auditEvents: { edges: { node: { rootField: string; actor: string } }[] } }>(admin, '{ auditEvents(first: 100) { edges { node { rootField actor } } } }'),
    );
    const saves = auditEvents.edges.map((edge) => edge.node).filter((node) => node.rootField.startsWith('save'));
    expect(saves).toEqual([
      { rootField: 'saveTier', actor: admin.sub },
      { rootField: 'saveTier', actor: admin.sub },
    ]);
  });

  it('only vendor admins edit programs', async () => {
    await refused(channelManager, SAVE_TIER, { input: chTier() }, { code: 'FORBIDDEN' });
    await refused(channelManager, SAVE_PROGRAM, { input: newProgram() }, { code: 'FORBIDDEN' });
  });

  it('saveProgram creates a program that partners can join at once', async () => {
    const { saveProgram } = await made(call<{ saveProgram: Record<string, unknown> }>(admin, SAVE_PROGRAM, { input: newProgram() }));
    expect(saveProgram).toEqual({
      code: 'AT-2027',
      version: 1,
      effectiveFrom: '2027-01-01',
      currency: 'EUR',
      tiers: [
        { code: 'REGISTERED', rank: 1 },
        { code: 'ADVANCED', rank: 2 },
      ],
      specializations: [{ code: 'CLOUD_SECURITY' }],
    });
    expect((await lastProgramSaved('AT-2027')).tiers.map((tier) => [tier.code, tier.minRevenueMinor, tier.capacity])).toEqual([
      ['REGISTERED', '0', null],
      ['ADVANCED', '8000000', 20],
    ]);
    const { createPartner } = await made(
      call<{ createPartner: { tier: { code: string } } }>(admin, CREATE, {
        input: { name: 'Donau Security GmbH', country: 'AT', programCode: 'AT-2027', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: [] },
      }),
    );
    expect(createPartner.tier).toEqual({ code: 'REGISTERED' });
  });
});
