import type { EntityManager } from 'typeorm';
import { requireRole, type Claims } from '@hub/auth';
import { forUpdate, type Database } from '@hub/db';
import { type Clock, InvalidInputError, type IsoDate, NotFoundError, parseIsoDate } from '@hub/domain';
import {
  checkCapacity,
  checkLadder,
  inDecisionOrder,
  peakHolders,
  validCount,
  validCountries,
  validCurrency,
  validEffectiveFrom,
  validItemCode,
  validLegacyNames,
  validName,
  validProgramCode,
  validThreshold,
  type SpecializationDefinition,
  type TierDefinition,
} from '../domain';
import { PartnerEntity, ProgramEntity, SpecializationEntity, TierAssignmentEntity, TierEntity } from '../entities';
import { partnerEvents } from './partner-events';

export interface TierInput {
  code: string;
  name: string;
  /** Position on the ladder, lowest first (1); kept from the current ladder when absent. */
  rank?: number | null;
  minCertifiedStaff: number;
  /** Exact decimal in the program's currency. */
  minRevenue: string;
  capacity?: number | null;
  legacyNames?: string[] | null;
}

export interface SpecializationInput {
  code: string;
  name: string;
  productLine?: string | null;
  requiredSales: number;
  requiredTechnical: number;
}

export interface SaveProgramInput {
  code: string;
  name: string;
  currency: string;
  countries: string[];
  effectiveFrom: string;
  noDowngradeUntil?: string | null;
  /** The whole ladder; required for a new program, the current one is kept when absent. */
  tiers?: TierInput[] | null;
  /** Added or changed; a specialization is never removed (certifications name it). */
  specializations?: SpecializationInput[] | null;
}

export interface SaveTierInput extends TierInput {
  programCode: string;
  effectiveFrom: string;
}

const ADMINS = ['vendor_admin'] as const;

/**
 * Programs and their tier ladders as vendor admins edit them. Each save writes the next version
 * of the program, effective from a date on or after the version in force, and publishes the
 * whole book as `program.saved` in the same transaction, so incentives judges standing by it.
 * A tier held by partners is never removed and its capacity never cut below its holders.
 */
export class ProgramsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async saveProgram(claims: Claims | null, input: SaveProgramInput): Promise<ProgramEntity> {
    requireRole(claims, ADMINS);
    const code = validProgramCode('code', input.code);
    const name = validName('name', input.name);
    const currency = validCurrency('currency', input.currency);
    const countries = validCountries('countries', input.countries);
    const noDowngradeUntil = input.noDowngradeUntil ? parseIsoDate('noDowngradeUntil', input.noDowngradeUntil) : null;
    const specializations = (input.specializations ?? []).map((s, i) => validSpecialization(`specializations[${i}]`, s));
    const duplicate = specializations.find((s, i) => specializations.findIndex((other) => other.code === s.code) !== i);
    if (duplicate) throw new InvalidInputError('specializations', `${duplicate.code} is listed twice`);

    return this.database.transaction(async (manager) => {
      const current = await this.lockProgram(manager, code);
      if (current && current.currency !== currency) {
        throw new InvalidInputError('currency', `${code} keeps its amounts in ${current.currency}; a program's currency cannot change`);
      }
      if (!current && !input.tiers) throw new InvalidInputError('tiers', 'a new program needs its tier ladder');
      const effectiveFrom = validEffectiveFrom('effectiveFrom', input.effectiveFrom, current?.effectiveFrom ?? null);
      if (current) await this.assertCountriesKeepPartners(manager, code, countries);
      const program = await this.writeVersion(manager, current, { code, name, currency, countries, noDowngradeUntil, effectiveFrom });
      if (input.tiers) {
        const ladder = input.tiers.map((tier, i) => validTier(`tiers[${i}]`, tier, currency, i + 1));
        const fieldOf = (tier: TierDefinition, field: keyof TierDefinition) => `tiers[${ladder.indexOf(tier)}].${field}`;
        await this.replaceLadder(manager, program, checkLadder(ladder, fieldOf), effectiveFrom, fieldOf);
      }
      for (const specialization of specializations) {
        await manager.save(SpecializationEntity, { ...specialization, id: `${code}:${specialization.code}`, programCode: code });
      }
      await partnerEvents.programSaved(manager, code, this.clock.now());
      return program;
    });
  }

  /** One tier added or changed; the program moves to its next version with it. */
  async saveTier(claims: Claims | null, input: SaveTierInput): Promise<TierEntity> {
    requireRole(claims, ADMINS);
    const programCode = validProgramCode('programCode', input.programCode);
    return this.database.transaction(async (manager) => {
      const current = await this.lockProgram(manager, programCode);
      if (!current) throw new NotFoundError('Program', programCode);
      const effectiveFrom = validEffectiveFrom('effectiveFrom', input.effectiveFrom, current.effectiveFrom);
      const existing = await manager.find(TierEntity, { where: { programCode }, order: { rank: 'ASC' } });
      const code = input.code.trim().toUpperCase();
      const others = existing.filter((tier) => tier.code !== code).map(definitionOf);
      const edited = validTier('', input, current.currency, existing.find((tier) => tier.code === code)?.rank ?? null);
      if (edited.rank > others.length + 1) throw new InvalidInputError('rank', `the ladder has ${others.length + 1} places with this tier; got ${edited.rank}`);
      // The tier takes its place and those from there up move one rank higher.
      const ladder = [...others.slice(0, edited.rank - 1), edited, ...others.slice(edited.rank - 1)].map((tier, i) => ({ ...tier, rank: i + 1 }));
      const own = ladder[edited.rank - 1]!;
      // One tier is edited, so a clash with a neighbour's threshold names the edited field too.
      const fieldOf = (_tier: TierDefinition, field: keyof TierDefinition) => field;
      const program = await this.writeVersion(manager, current, { ...current, effectiveFrom });
      await this.replaceLadder(manager, program, checkLadder(ladder, fieldOf), effectiveFrom, fieldOf);
      await partnerEvents.programSaved(manager, programCode, this.clock.now());
      return manager.findOneByOrFail(TierEntity, { programCode, code: own.code });
    });
  }

  /** Serialises saves of one program (MySQL row lock; SQLite's writers already take turns). */
  private async lockProgram(manager: EntityManager, code: string): Promise<ProgramEntity | null> {
    return forUpdate(manager.createQueryBuilder(ProgramEntity, 'program').where('program.code = :code', { code }), this.database.dialect).getOne();
  }

  private async writeVersion(
    manager: EntityManager,
    current: ProgramEntity | null,
    book: Pick<ProgramEntity, 'code' | 'name' | 'currency' | 'countries' | 'noDowngradeUntil'> & { effectiveFrom: IsoDate },
  ): Promise<ProgramEntity> {
    const program = manager.create(ProgramEntity, {
      code: book.code,
      name: book.name,
      currency: book.currency,
      countries: book.countries,
      noDowngradeUntil: book.noDowngradeUntil,
      effectiveFrom: book.effectiveFrom,
      effectiveTo: null,
      version: (current?.version ?? 0) + 1,
    });
    await manager.save(ProgramEntity, program);
    return program;
  }

  /**
   * Writes `ladder` as the program's tiers. A tier that leaves the ladder must have no holders
   * on or after the new version's date, and no capacity may fall below the most partners that
   * hold its tier from that date on (terminated partners do not count, as for a grant).
   */
  private async replaceLadder(
    manager: EntityManager,
    program: ProgramEntity,
    ladder: readonly TierDefinition[],
    from: IsoDate,
    fieldOf: (tier: TierDefinition, field: keyof TierDefinition) => string,
  ): Promise<void> {
    const history = inDecisionOrder(
      await manager
        .createQueryBuilder(TierAssignmentEntity, 'ta')
        .innerJoin(PartnerEntity, 'partner', 'partner.id = ta.partnerId')
        .where('partner.programCode = :code', { code: program.code })
        .andWhere('partner.status <> :terminated', { terminated: 'TERMINATED' })
        .getMany(),
    );
    const existing = await manager.findBy(TierEntity, { programCode: program.code });
    const kept = new Set(ladder.map((tier) => tier.code));
    for (const tier of existing.filter((t) => !kept.has(t.code))) {
      if (peakHolders(history, tier.code, from) > 0) {
        throw new InvalidInputError('tiers', `${tier.code} is held by partners on or after ${from}; it stays on the ladder`);
      }
      await manager.delete(TierEntity, { id: tier.id });
    }
    for (const tier of ladder) {
      checkCapacity(fieldOf(tier, 'capacity'), tier.capacity, peakHolders(history, tier.code, from), tier.code);
      await manager.save(TierEntity, { ...tier, id: `${program.code}:${tier.code}`, programCode: program.code });
    }
  }

  private async assertCountriesKeepPartners(manager: EntityManager, code: string, countries: readonly string[]): Promise<void> {
    const stranded = await manager
      .createQueryBuilder(PartnerEntity, 'partner')
      .select('DISTINCT partner.country', 'country')
      .where('partner.programCode = :code', { code })
      .andWhere('partner.country NOT IN (:...countries)', { countries })
      .getRawMany<{ country: string }>();
    if (stranded.length > 0) {
      throw new InvalidInputError('countries', `${code} has partners in ${stranded.map((row) => row.country).sort().join(', ')}; keep those countries`);
    }
  }
}

function validTier(prefix: string, input: TierInput, currency: string, defaultRank: number | null): TierDefinition {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const rank = input.rank ?? defaultRank;
  if (rank === null) throw new InvalidInputError(field('rank'), 'a new tier needs its place on the ladder');
  return {
    code: validItemCode(field('code'), input.code),
    name: validName(field('name'), input.name),
    rank: validCount(field('rank'), rank, 1),
    minCertifiedStaff: validCount(field('minCertifiedStaff'), input.minCertifiedStaff),
    minRevenue: validThreshold(field('minRevenue'), input.minRevenue, currency),
    capacity: input.capacity === null || input.capacity === undefined ? null : validCount(field('capacity'), input.capacity, 1),
    legacyNames: validLegacyNames(field('legacyNames'), input.legacyNames ?? []),
  };
}

function definitionOf(tier: TierEntity): TierDefinition {
  return {
    code: tier.code,
    name: tier.name,
    rank: tier.rank,
    minCertifiedStaff: tier.minCertifiedStaff,
    minRevenue: tier.minRevenue,
    capacity: tier.capacity,
    legacyNames: tier.legacyNames,
  };
}

function validSpecialization(prefix: string, input: SpecializationInput): SpecializationDefinition {
  return {
    code: validItemCode(`${prefix}.code`, input.code),
    name: validName(`${prefix}.name`, input.name),
    productLine: input.productLine ? validItemCode(`${prefix}.productLine`, input.productLine) : null,
    requiredSales: validCount(`${prefix}.requiredSales`, input.requiredSales),
    requiredTechnical: validCount(`${prefix}.requiredTechnical`, input.requiredTechnical),
  };
}
