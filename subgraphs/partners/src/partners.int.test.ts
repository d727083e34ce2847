import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { newId, pendingSchemaChanges, type Database } from '@hub/db';
import { countQueries, createTestDatabase, subgraphClient, type TestDatabase } from '@hub/testing';
import { PartnerEntity, TierAssignmentEntity } from './entities';
import { seedDemoData } from './seeds/seed';
import { payloadOf } from '@hub/contracts';
import { OutboxEntity } from '@hub/events';
import { createPartnersServer, openPartnersDatabase } from './server';
import { PartnersService } from './services/partners.service';
import { TiersService } from './services/tiers.service';
import { fixedClock } from '@hub/domain';

const SECRET = 'integration-test-gateway-secret-0123456789';
const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const bi: Claims = { sub: 'bi-tool', role: 'bi' };

/** The same suite against MariaDB (production, CI) and the embedded SQLite default. */
describe.each([
  { dialect: 'mysql' as const },
  { dialect: 'sqlite' as const },
])('partners subgraph on $dialect', ({ dialect }) => {
  let testDb: TestDatabase | undefined;
  let database: Database;
  let close: () => Promise<void>;
  let call: ReturnType<typeof subgraphClient>;
  let distributors: { id: string; name: string; countries: string[] }[];

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
    const server = await createPartnersServer({ database, gatewaySecret: SECRET, clock: fixedClock('2026-06-15T10:00:00Z') });
    const running = await server.listen(0);
    call = subgraphClient(running.url, SECRET);
    close = running.close;
    const result = await call<{ distributors: typeof distributors }>(admin, '{ distributors { id name countries } }');
    distributors = result.data!.distributors;
  });

  afterAll(async () => {
    await close?.();
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  const distributorFor = (country: string) => distributors.find((d) => d.countries.includes(country))!;
  const partnerRows = () => database.dataSource.manager.count(PartnerEntity);

  const CREATE = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id name country status tier { code } program { code } distributors { name } } }`;
  const createInput = (overrides: Record<string, unknown> = {}) => ({
    name: 'Nordlicht Sicherheit',
    country: 'CH',
    programCode: 'CH-2011',
    segmentFocus: 'SMB',
    businessModels: ['RESELLER'],
    distributorIds: [distributorFor('CH').id],
    ...overrides,
  });

  it('has migrations that produce exactly the schema the entities describe', async () => {
    const runner = database.dataSource.createQueryRunner();
    try {
      expect(await pendingSchemaChanges(runner)).toEqual([]);
    } finally {
      await runner.release();
    }
  });

  it('serves the four programs with their ladders, capacity and legacy mapping', async () => {
    const result = await call<{ programs: { code: string; currency: string; tiers: { code: string; capacity: number | null }[]; legacyTierMappings: { legacyName: string; tier: { code: string } }[] }[] }>(
      bi,
      '{ programs { code currency noDowngradeUntil tiers { code rank capacity } legacyTierMappings { legacyName tier { code } } specializations { code } } }',
    );
    const programs = result.data!.programs;
    expect(programs.map((p) => p.code)).toEqual(['AU-2014', 'CH-2011', 'FR-2023', 'US-2014']);
    const ch = programs.find((p) => p.code === 'CH-2011')!;
    expect(ch.tiers.map((t) => t.code)).toEqual(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
    expect(ch.tiers.find((t) => t.code === 'PLATINUM')!.capacity).toBe(5);
    expect(ch.legacyTierMappings).toEqual([
      { legacyName: 'Affinity', tier: { code: 'BRONZE' } },
      { legacyName: 'Affinity Plus', tier: { code: 'SILVER' } },
      { legacyName: 'Affinity One', tier: { code: 'GOLD' } },
    ]);
  });

  it('publishes each program\'s rule book once, as program.saved, for consumers that judge tier standing', async () => {
    const rows = await database.dataSource.manager.findBy(OutboxEntity, { type: 'program.saved' });
    expect(rows.map((row) => row.aggregateId).sort()).toEqual(['AU-2014', 'CH-2011', 'FR-2023', 'US-2014']);
    const fr = payloadOf(rows.find((row) => row.aggregateId === 'FR-2023')!, 'program.saved', 1);
    expect(fr.noDowngradeUntil).toBe('2024-12-31');
    expect(fr.tiers.map((t) => [t.code, t.rank, t.minCertifiedStaff, t.minRevenueMinor])).toEqual([
      ['REGISTERED', 1, 0, '0'],
      ['SKILL', 2, 5, '20000000'],
      ['EXPERT', 3, 10, '80000000'],
      ['ELITE', 4, 20, '150000000'],
    ]);
    expect(fr.specializations.find((sp) => sp.code === 'NETWORK_SECURITY')).toMatchObject({ productLine: 'NETWORK', requiredSales: 1, requiredTechnical: 1 });
    // Seeding again adds nothing.
    await seedDemoData(database, new Date('2026-06-16T08:00:00Z'));
    expect(await database.dataSource.manager.countBy(OutboxEntity, { type: 'program.saved' })).toBe(4);
  });

  it('creates a partner on the lowest tier by default, linked to its distributor', async () => {
    const result = await call<{ createPartner: { id: string; tier: { code: string }; distributors: { name: string }[] } }>(admin, CREATE, {
      input: createInput(),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createPartner).toMatchObject({ name: 'Nordlicht Sicherheit', country: 'CH', status: 'ACTIVE', tier: { code: 'BRONZE' } });
    expect(result.data!.createPartner.distributors).toEqual([{ name: distributorFor('CH').name }]);
  });

  it.each([
    ['an unknown program', { programCode: 'XX-1999' }, 'programCode'],
    ['an unknown tier', { tierCode: 'DIAMOND' }, 'tierCode'],
    ['a bad country code', { country: 'XY' }, 'country'],
    ['a country outside the program', { country: 'FR' }, 'country'],
    ['an empty name', { name: '   ' }, 'name'],
    ['an unknown distributor', { distributorIds: ['00000000-0000-7000-8000-000000000000'] }, 'distributorIds'],
    ['no business model', { businessModels: [] }, 'businessModels'],
  ])('rejects %s with BAD_USER_INPUT naming the field, writing nothing', async (_case, overrides, field) => {
    const before = await partnerRows();
    const result = await call(admin, CREATE, { input: createInput(overrides) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(field);
    expect(await partnerRows()).toBe(before);
  });

  it('refuses a sixth CH Platinum partner with PARTNERS.TIER_FULL and writes nothing', async () => {
    // The demo data has 2 Platinum partners in Switzerland: 3 more fit.
    for (const name of ['Platin Eins', 'Platin Zwei', 'Platin Drei']) {
      const ok = await call(admin, CREATE, { input: createInput({ name, tierCode: 'PLATINUM', segmentFocus: 'ENTERPRISE' }) });
      expect(ok.errors).toBeUndefined();
    }
    const before = await partnerRows();
    const full = await call(admin, CREATE, { input: createInput({ name: 'Platin Sechs', tierCode: 'PLATINUM' }) });
    expect(full.errors?.[0]?.extensions).toMatchObject({ code: 'PARTNERS.TIER_FULL', capacity: 5 });
    expect(await partnerRows()).toBe(before);
  });

  it('never overfills a capped tier under concurrent grants (AU National: at most 10)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const created = await call<{ createPartner: { id: string } }>(admin, CREATE, {
        input: createInput({ name: `Race ${i}`, country: 'AU', programCode: 'AU-2014', distributorIds: [] }),
      });
      ids.push(created.data!.createPartner.id);
    }
    const grant = `mutation ($id: ID!) { assignTier(partnerId: $id, tierCode: "NATIONAL", effectiveFrom: "2026-06-15", reason: "race") { id } }`;
    const results = await Promise.all(ids.map((id) => call(admin, grant, { id })));
    const full = results.filter((r) => r.errors?.[0]?.extensions?.code === 'PARTNERS.TIER_FULL');
    // The demo data holds 2 National partners: 8 of the 10 grants fit.
    expect(results.length - full.length).toBe(8);
    const national = await call<{ partners: { totalCount: number } }>(bi, '{ partners(filter: { programCode: "AU-2014", tierCode: "NATIONAL" }, first: 1) { totalCount } }');
    expect(national.data!.partners.totalCount).toBe(10);
  });

  it('refuses to reactivate a terminated partner into a tier that filled up meanwhile', async () => {
    const platinum = await call<{ partners: { edges: { node: { id: string } }[] } }>(
      bi,
      '{ partners(filter: { programCode: "CH-2011", tierCode: "PLATINUM", status: ACTIVE }, first: 10) { edges { node { id } } } }',
    );
    const leaver = platinum.data!.partners.edges[0]!.node.id;
    const terminate = await call(admin, `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: TERMINATE, findings: [TOO_FEW_TRANSACTIONS] }) { id } }`, {
      id: leaver,
    });
    expect(terminate.errors).toBeUndefined();
    const newcomer = await call(admin, CREATE, { input: createInput({ name: 'Platin Nachfolger', tierCode: 'PLATINUM', segmentFocus: 'ENTERPRISE' }) });
    expect(newcomer.errors).toBeUndefined();
    const back = await call(admin, `mutation ($id: ID!) { updatePartner(id: $id, input: { status: ACTIVE }) { status } }`, { id: leaver });
    expect(back.errors?.[0]?.extensions?.code).toBe('PARTNERS.TIER_FULL');
    const keep = await call(admin, `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: KEEP, findings: [] }) { id } }`, { id: leaver });
    expect(keep.errors?.[0]?.extensions?.code).toBe('PARTNERS.TIER_FULL');
  });

  it('treats % and _ in nameContains as plain characters', async () => {
    await call(admin, CREATE, { input: createInput({ name: '100% Sicher_heit AG' }) });
    const find = (text: string) =>
      call<{ partners: { edges: { node: { name: string } }[] } }>(bi, `query ($t: String) { partners(filter: { nameContains: $t }, first: 10) { edges { node { name } } } }`, { t: text });
    expect((await find('0% sicher_')).data!.partners.edges.map((e) => e.node.name)).toEqual(['100% Sicher_heit AG']);
    expect((await find('0%% sicher')).data!.partners.edges).toEqual([]);
  });

  it.each([
    ['assignTier reason', `mutation ($id: ID!, $t: String!) { assignTier(partnerId: $id, tierCode: "SILVER", effectiveFrom: "2026-07-01", reason: $t) { id } }`, 501, 'reason'],
    ['channelManager', `mutation ($id: ID!, $t: String!) { updatePartner(id: $id, input: { channelManager: $t }) { id } }`, 201, 'channelManager'],
    ['review note', `mutation ($id: ID!, $t: String!) { recordReview(partnerId: $id, input: { outcome: KEEP, findings: [], note: $t }) { id } }`, 2001, 'note'],
  ])('rejects a %s longer than its column with BAD_USER_INPUT', async (_case, mutation, length, field) => {
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, { input: createInput({ name: `Long ${field}` }) });
    const result = await call(admin, mutation, { id: created.data!.createPartner.id, t: 'x'.repeat(length) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('keeps an effective-dated tier history and answers the tier on any date', async () => {
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, { input: createInput({ name: 'Zeitreise AG' }) });
    const id = created.data!.createPartner.id;
    const assign = `mutation ($id: ID!, $tier: String!, $from: Date!) { assignTier(partnerId: $id, tierCode: $tier, effectiveFrom: $from, reason: "annual review") { id } }`;
    expect((await call(admin, assign, { id, tier: 'GOLD', from: '2026-07-01' })).errors).toBeUndefined();
    const read = await call<{ partner: { tier: { code: string }; before: { code: string }; after: { code: string }; tierHistory: { effectiveFrom: string; tier: { code: string } }[] } }>(
      bi,
      `query ($id: ID!) { partner(id: $id) { tier { code } before: tierOn(date: "2026-06-30") { code } after: tierOn(date: "2026-07-01") { code } tierHistory { effectiveFrom reason tier { code } } } }`,
      { id },
    );
    expect(read.data!.partner.tier.code).toBe('BRONZE');
    expect(read.data!.partner.before.code).toBe('BRONZE');
    expect(read.data!.partner.after.code).toBe('GOLD');
    expect(read.data!.partner.tierHistory.map((h) => [h.effectiveFrom, h.tier.code])).toEqual([
      ['2026-06-15', 'BRONZE'],
      ['2026-07-01', 'GOLD'],
    ]);
  });

  it('refuses an FR-2023 downgrade effective before the end of 2024 (grace period) and keeps the history unchanged', async () => {
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, {
      input: createInput({ name: 'Grâce SARL', country: 'FR', programCode: 'FR-2023', tierCode: 'EXPERT', distributorIds: [distributorFor('FR').id] }),
    });
    const id = created.data!.createPartner.id;
    const assignments = () => database.dataSource.manager.countBy(TierAssignmentEntity, { partnerId: id });
    const assign = `mutation ($id: ID!, $from: Date!) { assignTier(partnerId: $id, tierCode: "SKILL", effectiveFrom: $from, reason: "below threshold") { id } }`;
    const backdate = `mutation ($id: ID!) { assignTier(partnerId: $id, tierCode: "EXPERT", effectiveFrom: "2023-03-01", reason: "migrated from Gold") { id } }`;
    expect((await call(admin, backdate, { id })).errors).toBeUndefined();
    const before = await assignments();
    const early = await call(admin, assign, { id, from: '2024-12-31' });
    expect(early.errors?.[0]?.extensions?.code).toBe('PARTNERS.GRACE_PERIOD');
    expect(await assignments()).toBe(before);
    expect((await call(admin, assign, { id, from: '2025-01-01' })).errors).toBeUndefined();
  });

  it('counts certified staff and grants specializations for the date asked', async () => {
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, {
      input: createInput({ name: 'Zertifiziert GmbH', country: 'FR', programCode: 'FR-2023', distributorIds: [] }),
    });
    const partnerId = created.data!.createPartner.id;
    const person = async (name: string, email: string) =>
      (await call<{ addPerson: { id: string } }>(admin, `mutation ($p: ID!, $i: PersonInput!) { addPerson(partnerId: $p, input: $i) { id } }`, { p: partnerId, i: { name, email } }))
        .data!.addPerson.id;
    const certify = (personId: string, kind: string, validUntil: string) =>
      call(admin, `mutation ($p: ID!, $i: CertificationInput!) { addCertification(personId: $p, input: $i) { id } }`, {
        p: personId,
        i: { specializationCode: 'NETWORK_SECURITY', kind, validUntil },
      });
    const ann = await person('Ann', 'ann@z.example');
    const bob = await person('Bob', 'bob@z.example');
    expect((await certify(ann, 'SALES', '2026-12-31')).errors).toBeUndefined();
    expect((await certify(bob, 'TECHNICAL', '2026-09-30')).errors).toBeUndefined();

    const expired = await certify(bob, 'SALES', '2026-06-14');
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validUntil' });
    const duplicate = await call(admin, `mutation ($p: ID!) { addPerson(partnerId: $p, input: { name: "Ann 2", email: "ANN@z.example" }) { id } }`, { p: partnerId });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });

    const read = await call<{ partner: Record<string, unknown> }>(
      bi,
      `query ($id: ID!) { partner(id: $id) {
        onLastDay: certifiedStaffCount(asOf: "2026-09-30") dayAfter: certifiedStaffCount(asOf: "2026-10-01")
        specOnLastDay: specializations(asOf: "2026-09-30") { code } specDayAfter: specializations(asOf: "2026-10-01") { code } } }`,
      { id: partnerId },
    );
    expect(read.data!.partner).toEqual({
      onLastDay: 2,
      dayAfter: 1,
      specOnLastDay: [{ code: 'NETWORK_SECURITY' }],
      specDayAfter: [],
    });
  });

  it('records a review and applies its outcome', async () => {
    const created = await call<{ createPartner: { id: string } }>(admin, CREATE, { input: createInput({ name: 'Review Test AG', tierCode: 'SILVER' }) });
    const id = created.data!.createPartner.id;
    const review = await call<{ recordReview: { outcome: string; newTierCode: string } }>(
      admin,
      `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: DOWNGRADE, findings: [REVENUE_BELOW_TIER_MINIMUM, TOO_FEW_TRANSACTIONS], newTierCode: "BRONZE", effectiveFrom: "2026-07-01" }) { outcome newTierCode findings } }`,
      { id },
    );
    expect(review.errors).toBeUndefined();
    const probation = await call(admin, `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: PROBATION, findings: [TOO_FEW_TRANSACTIONS] }) { id } }`, { id });
    expect(probation.errors).toBeUndefined();
    const read = await call<{ partner: { status: string; tierOn: { code: string }; reviews: { outcome: string }[] } }>(
      bi,
      `query ($id: ID!) { partner(id: $id) { status tierOn(date: "2026-07-01") { code } reviews { outcome } } }`,
      { id },
    );
    expect(read.data!.partner).toEqual({ status: 'ON_REVIEW', tierOn: { code: 'BRONZE' }, reviews: [{ outcome: 'PROBATION' }, { outcome: 'DOWNGRADE' }] });
    const sideways = await call(admin, `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: DOWNGRADE, findings: [], newTierCode: "GOLD", effectiveFrom: "2026-08-01" }) { id } }`, { id });
    expect(sideways.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newTierCode' });
    const missing = await call(admin, `mutation ($id: ID!) { recordReview(partnerId: $id, input: { outcome: DOWNGRADE, findings: [] }) { id } }`, { id });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newTierCode' });
  });

  describe('filters and pagination', () => {
    it('filters by program, tier, country, status, segment and distributor', async () => {
      const query = `query ($f: PartnerFilter) { partners(filter: $f, first: 500) { totalCount edges { node { country program { code } tier { code } segmentFocus } } } }`;
      const usPlatinum = await call<{ partners: { totalCount: number; edges: { node: { program: { code: string }; tier: { code: string } } }[] } }>(bi, query, {
        f: { programCode: 'US-2014', tierCode: 'PLATINUM' },
      });
      expect(usPlatinum.data!.partners.totalCount).toBe(2);
      expect(usPlatinum.data!.partners.edges.every((e) => e.node.program.code === 'US-2014' && e.node.tier.code === 'PLATINUM')).toBe(true);
      const smbUs = await call<{ partners: { totalCount: number } }>(bi, query, { f: { country: 'us', segmentFocus: 'SMB', status: 'ACTIVE' } });
      expect(smbUs.data!.partners.totalCount).toBe(8);
      const viaChannelworx = await call<{ partners: { totalCount: number } }>(bi, query, {
        f: { distributorId: distributors.find((d) => d.name === 'Channelworx')!.id },
      });
      expect(viaChannelworx.data!.partners.totalCount).toBeGreaterThan(0);
    });

    it('walks every partner exactly once with keyset cursors', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const page: { data?: { partners: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
          await call(bi, `query ($after: String) { partners(first: 7, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
        total = page.data!.partners.totalCount;
        seen.push(...page.data!.partners.edges.map((e) => e.node.id));
        after = page.data!.partners.pageInfo.hasNextPage ? page.data!.partners.pageInfo.endCursor : null;
      } while (after);
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
    });

    it('rejects first over the cap of 500 and a forged cursor', async () => {
      const tooMany = await call(bi, '{ partners(first: 501) { totalCount } }');
      expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const forged = await call(bi, '{ partners(first: 5, after: "not-a-cursor") { totalCount } }');
      expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  describe('access', () => {
    it('lets a partner read itself only, and lists only itself', async () => {
      const list = await call<{ partners: { edges: { node: { id: string } }[] } }>(bi, '{ partners(first: 2) { edges { node { id } } } }');
      const [own, other] = list.data!.partners.edges.map((e) => e.node.id);
      const partner: Claims = { sub: 'user@partner', role: 'partner', partnerId: own! };
      expect((await call<{ partner: { id: string } }>(partner, `query ($id: ID!) { partner(id: $id) { id } }`, { id: own })).data!.partner.id).toBe(own);
      const denied = await call(partner, `query ($id: ID!) { partner(id: $id) { id name } }`, { id: other });
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknown = await call(partner, `query ($id: ID!) { partner(id: $id) { id } }`, { id: '00000000-0000-7000-8000-000000000000' });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const reviews = await call(partner, `query ($id: ID!) { partner(id: $id) { reviews { note } } }`, { id: own });
      expect(reviews.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const mine = await call<{ partners: { totalCount: number; edges: { node: { id: string } }[] } }>(partner, '{ partners(first: 50) { totalCount edges { node { id } } } }');
      expect(mine.data!.partners.edges.map((e) => e.node.id)).toEqual([own]);
    });

    it('refuses a partner or distributor whose id claim is empty or missing, instead of listing every partner', async () => {
      const clock = fixedClock('2026-06-15T10:00:00Z');
      const service = new PartnersService(database, clock, new TiersService(database, clock));
      const unscoped = [
        { sub: 'p', role: 'partner', partnerId: '' },
        { sub: 'p', role: 'partner' },
        { sub: 'd', role: 'distributor', distributorId: '' },
        { sub: 'd', role: 'distributor' },
      ] as Claims[];
      for (const claims of unscoped) {
        // At the subgraph's door: the signed claims are refused.
        const answer = await call(claims, '{ partners(first: 50) { totalCount } }');
        expect(answer.status).toBe(401);
        expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        // And behind it: the service does not read a missing id as "no filter".
        await expect(service.list(claims, {}, { first: 50 })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      }
    });

    it('lets a distributor list only the partners that buy through it', async () => {
      const channelworx = distributors.find((d) => d.name === 'Channelworx')!;
      const distributor: Claims = { sub: 'api@channelworx', role: 'distributor', distributorId: channelworx.id };
      const result = await call<{ partners: { edges: { node: { distributors: { id: string }[] } }[] } }>(
        distributor,
        '{ partners(first: 500) { edges { node { distributors { id } } } } }',
      );
      expect(result.data!.partners.edges.length).toBeGreaterThan(0);
      expect(result.data!.partners.edges.every((e) => e.node.distributors.some((d) => d.id === channelworx.id))).toBe(true);
    });

    it('lets only vendor admins and channel managers write', async () => {
      for (const claims of [bi, { sub: 'p', role: 'partner', partnerId: newId() } as Claims]) {
        const result = await call(claims, CREATE, { input: createInput({ name: 'Not Allowed' }) });
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const manager: Claims = { sub: 'cm@vendor', role: 'channel_manager' };
      expect((await call(manager, CREATE, { input: createInput({ name: 'Allowed Via Manager' }) })).errors).toBeUndefined();
    });
  });

  it('lists 100 partners with tier, program, distributors and people in as many queries as 10', async () => {
    const query = `query ($n: Int) { partners(first: $n) { edges { node { name tier { code name } program { code tiers { code } } distributors { name } people { name certifications { kind } } } } } }`;
    // Enough partners for a full page of 100.
    for (let i = 0; i < 70; i += 1) {
      await call(admin, CREATE, { input: createInput({ name: `Bulk Partner ${String(i).padStart(2, '0')}`, distributorIds: [distributorFor('CH').id] }) });
    }
    const ten = await countQueries(database.queries, () => call<{ partners: { edges: unknown[] } }>(bi, query, { n: 10 }));
    const hundred = await countQueries(database.queries, () => call<{ partners: { edges: unknown[] } }>(bi, query, { n: 100 }));
    expect(ten.result.data!.partners.edges).toHaveLength(10);
    expect(hundred.result.data!.partners.edges).toHaveLength(100);
    expect(hundred.count).toBe(ten.count);
    expect(hundred.count).toBeLessThanOrEqual(10);
  });
});
