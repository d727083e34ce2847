import type { EntityManager } from 'typeorm';
import { newId, type Database } from '@hub/db';
import { addDays, isoDateOf } from '@hub/domain';
import {
  CertificationEntity,
  DistributorEntity,
  PartnerDistributorEntity,
  PartnerEntity,
  PersonEntity,
  ProgramEntity,
  SpecializationEntity,
  TierAssignmentEntity,
  TierEntity,
} from '../entities';
import type { BusinessModel, Segment } from '../domain';
import { DISTRIBUTORS, PROGRAMS } from './programs.data';
import { DEMO_PARTNERS } from './demo-partners.data';
import { partnerEvents } from '../services/partner-events';

/** Loads the programs (configuration every installation needs). Idempotent. */
export async function seedPrograms(manager: EntityManager, now: Date = new Date()): Promise<void> {
  for (const program of PROGRAMS) {
    if (await manager.existsBy(ProgramEntity, { code: program.code })) continue;
    await manager.insert(ProgramEntity, {
      code: program.code,
      name: program.name,
      currency: program.currency,
      countries: program.countries,
      version: program.version,
      effectiveFrom: program.effectiveFrom,
      effectiveTo: null,
      noDowngradeUntil: program.noDowngradeUntil,
    });
    await manager.insert(
      TierEntity,
      program.tiers.map((tier, i) => ({ ...tier, id: `${program.code}:${tier.code}`, programCode: program.code, rank: i + 1 })),
    );
    if (program.specializations.length > 0) {
      await manager.insert(
        SpecializationEntity,
        program.specializations.map((s) => ({ ...s, id: `${program.code}:${s.code}`, programCode: program.code })),
      );
    }
    await partnerEvents.programSaved(manager, program.code, now);
  }
}

/**
 * Loads demo distributors and partners with people and certifications, once: it does nothing
 * when partners already exist. Deterministic apart from ids, so every demo looks the same.
 */
export async function seedDemoData(database: Database, now: Date = new Date()): Promise<{ partners: number; distributors: number }> {
  return database.transaction(async (manager) => {
    await seedPrograms(manager, now);
    if ((await manager.count(PartnerEntity)) > 0) return { partners: 0, distributors: 0 };
    const today = isoDateOf(now);
    const distributors = DISTRIBUTORS.map((d) => ({ ...d, id: newId(), createdAt: now }));
    await manager.insert(DistributorEntity, distributors);
    for (const distributor of distributors) await partnerEvents.distributorSaved(manager, distributor, now);

    const specializations = await manager.find(SpecializationEntity);
    for (const [index, demo] of DEMO_PARTNERS.entries()) {
      const program = PROGRAMS.find((p) => p.code === demo.programCode)!;
      const partner = {
        id: newId(),
        name: demo.name,
        country: demo.country,
        programCode: demo.programCode,
        status: 'ACTIVE' as const,
        segmentFocus: demo.segmentFocus as Segment,
        businessModels: demo.businessModels as BusinessModel[],
        channelManager: demo.channelManager,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(PartnerEntity, partner);
      const links = distributors.filter((d) => d.countries.includes(demo.country)).slice(0, 1 + (index % 2));
      if (links.length > 0) await manager.insert(PartnerDistributorEntity, links.map((d) => ({ partnerId: partner.id, distributorId: d.id })));
      await partnerEvents.partnerSaved(manager, 'partner.created', partner, now);
      const assignment = manager.create(TierAssignmentEntity, {
        id: newId(),
        partnerId: partner.id,
        tierCode: demo.tierCode,
        effectiveFrom: program.effectiveFrom,
        reason: 'demo data',
        assignedBy: 'seed',
        assignedAt: now,
      });
      await manager.insert(TierAssignmentEntity, assignment);
      await partnerEvents.tierAssigned(manager, program.code, assignment, now);

      const catalog = specializations.filter((s) => s.programCode === demo.programCode);
      for (let p = 0; p < demo.people; p += 1) {
        const person = { id: newId(), partnerId: partner.id, name: `${FIRST_NAMES[(index + p) % FIRST_NAMES.length]} ${demo.name.split(' ')[0]}`, email: `person${p + 1}@${slug(demo.name)}.example`, createdAt: now };
        await manager.insert(PersonEntity, person);
        const certifications = certificationsFor(index, p, catalog, today).map((c) => ({ ...c, id: newId(), personId: person.id, partnerId: partner.id, createdAt: now }));
        if (certifications.length > 0) await manager.insert(CertificationEntity, certifications);
        for (const certification of certifications) await partnerEvents.certificationAdded(manager, manager.create(CertificationEntity, certification), now);
      }
    }
    return { partners: DEMO_PARTNERS.length, distributors: distributors.length };
  });
}

const FIRST_NAMES = ['Alice', 'Bruno', 'Chloé', 'David', 'Emma', 'Farid', 'Greta', 'Hugo', 'Inès', 'Jonas', 'Kai', 'Lena'];

function slug(name: string): string {
  return name.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Alternating sales/technical certifications, some expiring soon and one already expired, so dates matter. */
function certificationsFor(partnerIndex: number, personIndex: number, catalog: SpecializationEntity[], today: string) {
  const kinds = ['SALES', 'TECHNICAL'] as const;
  const code = catalog[(partnerIndex + Math.floor(personIndex / 2)) % catalog.length]!.code;
  const validUntil = personIndex === 3 ? addDays(today, -30) : addDays(today, 60 + ((partnerIndex * 37 + personIndex * 113) % 600));
  return [{ specializationCode: code, kind: kinds[personIndex % 2]!, validFrom: addDays(today, -400), validUntil }];
}
