import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { type Clock, InvalidInputError, NotFoundError, parseIsoDate } from '@hub/domain';
import { validEmail, validName, type CertificationKind } from '../domain';
import { CertificationEntity, PartnerEntity, PersonEntity, SpecializationEntity } from '../entities';
import { requireStaff } from './access';
import { partnerEvents } from './partner-events';

export interface PersonInput {
  name: string;
  email: string;
}

export interface CertificationInput {
  specializationCode: string;
  kind: CertificationKind;
  validFrom?: string | null;
  validUntil: string;
}

export class PeopleService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async addPerson(claims: Claims | null, partnerId: string, input: PersonInput): Promise<PersonEntity> {
    requireStaff(claims);
    const name = validName('name', input.name);
    const email = validEmail('email', input.email);
    return this.database.transaction(async (manager) => {
      if (!(await manager.existsBy(PartnerEntity, { id: partnerId }))) throw new NotFoundError('Partner', partnerId);
      if (await manager.existsBy(PersonEntity, { partnerId, email })) {
        throw new InvalidInputError('email', `${email} is already a person of this partner`);
      }
      const person = manager.create(PersonEntity, { id: newId(), partnerId, name, email, createdAt: this.clock.now() });
      await manager.insert(PersonEntity, person);
      return person;
    });
  }

  async addCertification(claims: Claims | null, personId: string, input: CertificationInput): Promise<CertificationEntity> {
    requireStaff(claims);
    const today = this.clock.today();
    const validUntil = parseIsoDate('validUntil', input.validUntil);
    const validFrom = input.validFrom ? parseIsoDate('validFrom', input.validFrom) : today;
    if (validUntil < today) throw new InvalidInputError('validUntil', `the certification already expired on ${validUntil}`);
    if (validFrom > validUntil) throw new InvalidInputError('validFrom', `must not be after validUntil (${validUntil})`);
    return this.database.transaction(async (manager) => {
      const person = await manager.findOneBy(PersonEntity, { id: personId });
      if (!person) throw new NotFoundError('Person', personId);
      const partner = await manager.findOneByOrFail(PartnerEntity, { id: person.partnerId });
      if (!(await manager.existsBy(SpecializationEntity, { programCode: partner.programCode, code: input.specializationCode }))) {
        throw new InvalidInputError('specializationCode', `${partner.programCode} has no specialization "${input.specializationCode}"`);
      }
      const certification = manager.create(CertificationEntity, {
        id: newId(),
        personId,
        partnerId: person.partnerId,
        specializationCode: input.specializationCode,
        kind: input.kind,
        validFrom,
        validUntil,
        createdAt: this.clock.now(),
      });
      await manager.insert(CertificationEntity, certification);
      await partnerEvents.certificationAdded(manager, certification, certification.createdAt);
      return certification;
    });
  }
}
