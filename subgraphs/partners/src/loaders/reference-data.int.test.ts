import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, rawRows, rawRowsWhereIn, type Database } from '@hub/db';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { DistributorEntity, PartnerDistributorEntity, PartnerEntity, ProgramEntity, TierAssignmentEntity, TierEntity } from '../entities';
import { seedDemoData } from '../seeds/seed';
import { openPartnersDatabase } from '../server';
import { partnerEvents } from '../services/partner-events';
import { ReferenceData } from './reference-data';

/** The read path's raw rows and the process's copy of programs, tiers and distributors, on both dialects. */
describe.each(['mysql', 'sqlite'] as const)('partners read path on %s', (dialect) => {
  let testDb: TestDatabase | undefined;
  let database: Database;

  beforeAll(async () => {
    testDb = dialect === 'mysql' ? await createTestDatabase('partners_reads') : undefined;
    database = await openPartnersDatabase(testDb ? { url: testDb.url } : { sqliteFile: ':memory:' });
    await seedDemoData(database, new Date('2026-06-15T08:00:00Z'));
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await testDb?.drop();
  });

  it('reads raw rows with the values entities hold: dates, JSON, booleans, money', async () => {
    const manager = database.dataSource.manager;
    const partners = await manager.find(PartnerEntity, { take: 5, order: { id: 'ASC' } });
    const ids = partners.map((partner) => partner.id);
    expect(await rawRowsWhereIn(manager, PartnerEntity, 'id', ids, { order: [['id', 'ASC']] })).toEqual(partners.map((partner) => ({ ...partner })));
    const assignments = await manager.find(TierAssignmentEntity, { where: ids.map((partnerId) => ({ partnerId })), order: { effectiveFrom: 'ASC', id: 'ASC' } });
    expect(await rawRowsWhereIn(manager, TierAssignmentEntity, 'partnerId', ids, { order: [['effectiveFrom', 'ASC'], ['id', 'ASC']] })).toEqual(assignments.map((a) => ({ ...a })));
    const distributors = await manager.find(DistributorEntity, { order: { id: 'ASC' } });
    expect(await rawRowsWhereIn(manager, DistributorEntity, 'id', distributors.map((d) => d.id), { order: [['id', 'ASC']] })).toEqual(distributors.map((d) => ({ ...d })));
    expect(await rawRowsWhereIn(manager, PartnerEntity, 'id', [])).toEqual([]);
    const named = await rawRowsWhereIn(manager, PartnerEntity, 'id', ids, { order: [['id', 'ASC']], columns: ['id', 'createdAt'] });
    expect(named).toEqual(partners.map(({ id, createdAt }) => ({ id, createdAt })));
    const query = manager.createQueryBuilder(PartnerEntity, 'partner').orderBy('partner.id', 'ASC').limit(5);
    expect(await rawRows(query)).toEqual(partners.map((partner) => ({ ...partner })));
    const computed = await rawRows(query, { columns: ['businessModels', 'updatedAt'], computed: { links: '(SELECT COUNT(*) FROM partner_distributor l WHERE l.partnerId = partner.id)' } });
    const links = await manager.findBy(PartnerDistributorEntity, ids.map((partnerId) => ({ partnerId })));
    expect(computed.map((row) => ({ ...row, links: Number(row.links) }))).toEqual(
      partners.map(({ id, businessModels, updatedAt }) => ({ businessModels, updatedAt, links: links.filter((link) => link.partnerId === id).length })),
    );
  });

  it('keeps one copy of programs, tiers and distributors until a commit records a new one', async () => {
    const reference = new ReferenceData(database);
    const first = await reference.get();
    const tiers = await database.dataSource.manager.find(TierEntity, { order: { rank: 'ASC' } });
    expect([...first.programs.keys()]).toEqual((await database.dataSource.manager.find(ProgramEntity, { order: { code: 'ASC' } })).map((p) => p.code));
    expect(first.tiersByProgram.get('FR-2023')!.map((tier) => tier.id)).toEqual(tiers.filter((t) => t.programCode === 'FR-2023').map((t) => t.id));
    expect(first.tiers.get('FR-2023:' + tiers.find((t) => t.programCode === 'FR-2023')!.code)).toEqual({ ...tiers.find((t) => t.programCode === 'FR-2023') });

    // A commit that records other events keeps the copy.
    await database.transaction(async (manager) => {
      const partner = await manager.findOneByOrFail(PartnerEntity, {});
      await partnerEvents.partnerSaved(manager, 'partner.changed', partner, new Date());
    });
    expect(await reference.get()).toBe(first);

    // A new distributor committed with its event is seen by the next request.
    const distributor = { id: newId(), name: 'Nouveau Grossiste', countries: ['FR'], handlesRenewals: false, usageBasedProgram: false, createdAt: new Date() };
    await database.transaction(async (manager) => {
      await manager.insert(DistributorEntity, distributor);
      await partnerEvents.distributorSaved(manager, manager.create(DistributorEntity, distributor), new Date());
    });
    const second = await reference.get();
    expect(second).not.toBe(first);
    expect(second.distributors.get(distributor.id)?.name).toBe('Nouveau Grossiste');
  });

  it("re-reads what another process may have written once the copy is older than its age", async () => {
    let now = 0;
    const reference = new ReferenceData(database, 60_000, () => now);
    const first = await reference.get();
    now = 59_000;
    expect(await reference.get()).toBe(first);
    now = 61_000;
    expect(await reference.get()).not.toBe(first);
  });
});
