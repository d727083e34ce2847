import { In, type EntityManager } from 'typeorm';
import { ownDistributorId, ownPartnerId, requireClaims, type Claims } from '@hub/auth';
import { keysetPage, newId, rawRows, rawRowsWhereIn, type Database, type KeysetPage } from '@hub/db';
import { type Clock, InvalidInputError, type IsoDate, NotFoundError } from '@hub/domain';
import {
  assignmentOn,
  inDecisionOrder,
  countCertifiedStaff,
  earnedSpecializations,
  optionalText,
  validBusinessModels,
  validCountry,
  validName,
  type PartnerStatus,
  type Segment,
} from '../domain';
import { DistributorEntity, PartnerDistributorEntity, PartnerEntity, ProgramEntity, type SpecializationEntity, TierEntity } from '../entities';
import type { PartnersLoaders } from '../loaders/partners.loaders';
import { ReferenceData, type ReferenceSnapshot } from '../loaders/reference-data';
import { assertCanReadPartner, requireStaff } from './access';
import { partnerEvents } from './partner-events';
import { type TiersService } from './tiers.service';

export interface PartnerFilter {
  programCode?: string | null;
  tierCode?: string | null;
  country?: string | null;
  status?: PartnerStatus | null;
  segmentFocus?: Segment | null;
  distributorId?: string | null;
  nameContains?: string | null;
}

export interface PartnerListReads {
  countTotal?: boolean;
  columns?: readonly (keyof PartnerEntity)[];
  tierOn?: IsoDate;
  /** The caller will read each partner's distributors (`prefetchPage`): the list may read their ids at once. */
  distributors?: boolean;
}

/**
 * A listed partner: the columns the list was asked to read (always id, name and programCode);
 * when it was asked `tierOn`, the code of the tier in force then (null: none yet); when it read
 * the distributors' ids, those ids separated by commas (null: none).
 */
export type ListedPartner = PartnerEntity & { tierCodeOn?: string | null; distributorIdList?: string | null };

/**
 * The tier in force on :tierOn, as `assignmentOn(inDecisionOrder(history), tierOn)` decides it
 * (the latest effective date not after it; on one date, the assignment decided last, ids being
 * time-ordered), for each listed partner in the page's own statement. The list's tierCode filter
 * applies the same rule; tests hold both to the domain function.
 */
const TIER_CODE_ON = `(SELECT ta.tierCode FROM tier_assignment ta WHERE ta.partnerId = partner.id AND ta.effectiveFrom <= :tierOn
  ORDER BY ta.effectiveFrom DESC, ta.id DESC LIMIT 1)`;

/**
 * Each listed partner's distributor ids in the page's own statement, on the embedded SQLite
 * database only: MySQL cuts GROUP_CONCAT at group_concat_max_len (1024 bytes by default, 27
 * ids) without an error, so there `prefetchPage` reads the links in a statement of their own.
 */
const DISTRIBUTOR_ID_LIST = '(SELECT group_concat(link.distributorId) FROM partner_distributor link WHERE link.partnerId = partner.id)';

export interface CreatePartnerInput {
  name: string;
  country: string;
  programCode: string;
  tierCode?: string | null;
  segmentFocus: Segment;
  businessModels: string[];
  distributorIds?: string[] | null;
  channelManager?: string | null;
}

export interface UpdatePartnerInput {
  name?: string | null;
  country?: string | null;
  segmentFocus?: Segment | null;
  businessModels?: string[] | null;
  distributorIds?: string[] | null;
  channelManager?: string | null;
  status?: PartnerStatus | null;
}

export class PartnersService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly tiers: TiersService,
    private readonly reference: ReferenceData = new ReferenceData(database),
  ) {}

  async get(claims: Claims | null, id: string, loaders: PartnersLoaders): Promise<PartnerEntity | null> {
    // Access first, so an unknown id and another partner's id look the same to a partner.
    await assertCanReadPartner(claims, id, loaders);
    return loaders.partner.load(id);
  }

  /** By code. */
  async programs(claims: Claims | null): Promise<ProgramEntity[]> {
    requireClaims(claims);
    return [...(await this.reference.get()).programs.values()];
  }

  /** Every authenticated caller may see the distributors; they are the route to market. By name. */
  async distributors(claims: Claims | null): Promise<DistributorEntity[]> {
    requireClaims(claims);
    return [...(await this.reference.get()).distributors.values()];
  }

  /**
   * A page of partners in name order. `countTotal: false` when nobody asked for `totalCount`
   * saves its COUNT (it is then 0); `columns` reads only the properties a caller uses (plus id,
   * name and programCode, which the cursor and the relations need); `tierOn` also reads, in the
   * same statement, the code of each partner's tier in force on that date.
   */
  async list(
    claims: Claims | null,
    filter: PartnerFilter,
    page: { first: number; after?: string },
    { countTotal = true, columns, tierOn, distributors = false }: PartnerListReads = {},
  ): Promise<KeysetPage<ListedPartner>> {
    requireClaims(claims);
    const scoped = scopeToCaller(claims, filter);
    const query = this.database.dataSource.manager.createQueryBuilder(PartnerEntity, 'partner');
    if (scoped.onlyPartnerId !== undefined) query.andWhere('partner.id = :onlyPartnerId', { onlyPartnerId: scoped.onlyPartnerId });
    if (scoped.programCode) query.andWhere('partner.programCode = :programCode', { programCode: scoped.programCode });
    if (scoped.country) query.andWhere('partner.country = :country', { country: scoped.country.toUpperCase() });
    if (scoped.status) query.andWhere('partner.status = :status', { status: scoped.status });
    if (scoped.segmentFocus) query.andWhere('partner.segmentFocus = :segmentFocus', { segmentFocus: scoped.segmentFocus });
    if (scoped.nameContains) {
      // '!' escapes the wildcards on every dialect; SQLite has no default escape character.
      query.andWhere("LOWER(partner.name) LIKE :pattern ESCAPE '!'", { pattern: `%${scoped.nameContains.toLowerCase().replace(/[!%_]/g, '!$&')}%` });
    }
    if (scoped.distributorId !== undefined && scoped.distributorId !== null) {
      query.andWhere('partner.id IN (SELECT link.partnerId FROM partner_distributor link WHERE link.distributorId = :distributorId)', {
        distributorId: scoped.distributorId,
      });
    }
    if (scoped.tierCode) {
      // The tier in force today: the latest assignment effective on or before today.
      query.andWhere(
        `partner.id IN (SELECT ta.partnerId FROM tier_assignment ta WHERE ta.tierCode = :tierCode AND ta.id = (
           SELECT latest.id FROM tier_assignment latest
           WHERE latest.partnerId = ta.partnerId AND latest.effectiveFrom <= :today
           ORDER BY latest.effectiveFrom DESC, latest.id DESC LIMIT 1))`,
        { tierCode: scoped.tierCode, today: this.clock.today() },
      );
    }
    const read = columns ? [...new Set<keyof PartnerEntity>(['id', 'name', 'programCode', ...columns])] : undefined;
    const computed: Partial<Record<'tierCodeOn' | 'distributorIdList', string>> = {};
    if (tierOn !== undefined) {
      query.setParameter('tierOn', tierOn);
      computed.tierCodeOn = TIER_CODE_ON;
    }
    if (distributors && this.database.dialect === 'sqlite') computed.distributorIdList = DISTRIBUTOR_ID_LIST;
    return keysetPage<ListedPartner>(
      query,
      [
        { column: 'partner.name', value: (p) => p.name },
        { column: 'partner.id', value: (p) => p.id },
      ],
      page,
      {
        count: countTotal,
        rows: (paged) => rawRows<ListedPartner>(paged, { columns: read, computed }),
      },
    );
  }

  async create(claims: Claims | null, input: CreatePartnerInput): Promise<PartnerEntity> {
    const caller = requireStaff(claims);
    const name = validName('name', input.name);
    const businessModels = validBusinessModels('businessModels', input.businessModels);
    return this.database.transaction(async (manager) => {
      const program = await manager.findOneBy(ProgramEntity, { code: input.programCode });
      if (!program) throw new InvalidInputError('programCode', `unknown program "${input.programCode}"`);
      const country = validCountry('country', input.country, program.countries, program.code);
      const tier = await this.tierForNewPartner(manager, program.code, input.tierCode);
      const distributorIds = await validDistributors(manager, input.distributorIds ?? [], country);

      const now = this.clock.now();
      const partner = manager.create(PartnerEntity, {
        id: newId(),
        name,
        country,
        programCode: program.code,
        status: 'ACTIVE',
        segmentFocus: input.segmentFocus,
        businessModels,
        channelManager: optionalText('channelManager', input.channelManager, 200),
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(PartnerEntity, partner);
      await linkDistributors(manager, partner.id, distributorIds);
      await partnerEvents.partnerSaved(manager, 'partner.created', partner, now);
      await this.tiers.assignWithin(manager, program, partner.id, tier, this.clock.today(), 'initial tier on joining the program', caller.sub);
      return partner;
    });
  }

  async update(claims: Claims | null, id: string, input: UpdatePartnerInput): Promise<PartnerEntity> {
    requireStaff(claims);
    return this.database.transaction(async (manager) => {
      const partner = await manager.findOneBy(PartnerEntity, { id });
      if (!partner) throw new NotFoundError('Partner', id);
      const program = await manager.findOneByOrFail(ProgramEntity, { code: partner.programCode });
      if (input.name != null) partner.name = validName('name', input.name);
      if (input.country != null) partner.country = validCountry('country', input.country, program.countries, program.code);
      if (input.segmentFocus != null) partner.segmentFocus = input.segmentFocus;
      if (input.businessModels != null) partner.businessModels = validBusinessModels('businessModels', input.businessModels);
      if (input.status != null) {
        if (partner.status === 'TERMINATED' && input.status !== 'TERMINATED') await this.tiers.assertRoomToReturn(manager, program, id, this.clock.today());
        partner.status = input.status;
      }
      if (input.channelManager !== undefined) partner.channelManager = optionalText('channelManager', input.channelManager, 200);
      if (input.distributorIds != null) {
        const distributorIds = await validDistributors(manager, input.distributorIds, partner.country);
        await manager.delete(PartnerDistributorEntity, { partnerId: id });
        await linkDistributors(manager, id, distributorIds);
      }
      partner.updatedAt = this.clock.now();
      await manager.save(PartnerEntity, partner);
      await partnerEvents.partnerSaved(manager, 'partner.changed', partner, partner.updatedAt);
      return partner;
    });
  }

  async tierOn(partner: PartnerEntity, asOf: IsoDate, loaders: PartnersLoaders): Promise<TierEntity | null> {
    const current = assignmentOn(inDecisionOrder(await loaders.tierAssignmentsByPartner.load(partner.id)), asOf);
    return current ? loaders.tier.load(`${partner.programCode}:${current.tierCode}`) : null;
  }

  /** Its distributors by name. */
  async distributorsOf(partnerId: string, loaders: PartnersLoaders): Promise<DistributorEntity[]> {
    const [links, reference] = await Promise.all([loaders.distributorIdsByPartner.load(partnerId), loaders.reference.get()]);
    return inNameOrder(
      known(
        links.map((link) => link.distributorId),
        reference,
      ),
      reference,
    );
  }

  /**
   * Puts what a listed page needs into `loaders.page`, so that the page's field resolvers answer
   * without a DataLoader round and a promise per partner, which cost more than the queries: the
   * tiers and distributors the list read (from the shared copy of ladders and distributors),
   * else every partner's distributors in one statement.
   */
  async prefetchPage(partners: readonly ListedPartner[], loaders: PartnersLoaders, wanted: { distributors: boolean }): Promise<void> {
    if (partners.length === 0) return;
    const listedTiers = partners[0]!.tierCodeOn !== undefined;
    const listedDistributors = partners[0]!.distributorIdList !== undefined;
    if (!listedTiers && !wanted.distributors) return;
    const [reference, links] = await Promise.all([
      loaders.reference.get(),
      wanted.distributors && !listedDistributors
        ? rawRowsWhereIn(
            this.database.dataSource.manager,
            PartnerDistributorEntity,
            'partnerId',
            partners.map((partner) => partner.id),
          )
        : [],
    ]);
    if (listedTiers) {
      for (const partner of partners) {
        const code = partner.tierCodeOn;
        loaders.page.tier.set(partner.id, code ? (reference.tiers.get(`${partner.programCode}:${code}`) ?? null) : null);
      }
    }
    if (!wanted.distributors) return;
    const distributors = new Map<string, DistributorEntity[]>();
    for (const partner of partners) {
      const ids = partner.distributorIdList;
      distributors.set(partner.id, ids ? known(ids.split(','), reference) : []);
    }
    for (const link of links) {
      const distributor = reference.distributors.get(link.distributorId);
      if (distributor) distributors.get(link.partnerId)?.push(distributor);
    }
    for (const listed of distributors.values()) inNameOrder(listed, reference);
    loaders.page.distributors = distributors;
  }

  async certifiedStaffCount(partnerId: string, asOf: IsoDate, loaders: PartnersLoaders): Promise<number> {
    return countCertifiedStaff(await loaders.certificationsByPartner.load(partnerId), asOf);
  }

  /** The catalog entries the partner has earned on `asOf`. */
  async specializationsOn(partner: PartnerEntity, asOf: IsoDate, loaders: PartnersLoaders): Promise<SpecializationEntity[]> {
    const [catalog, certifications] = await Promise.all([
      loaders.specializationsByProgram.load(partner.programCode),
      loaders.certificationsByPartner.load(partner.id),
    ]);
    const earned = new Set(earnedSpecializations(catalog, certifications, asOf));
    return catalog.filter((specialization) => earned.has(specialization.code));
  }

  private async tierForNewPartner(manager: EntityManager, programCode: string, tierCode?: string | null): Promise<TierEntity> {
    if (tierCode) {
      const tier = await manager.findOneBy(TierEntity, { programCode, code: tierCode });
      if (!tier) throw new InvalidInputError('tierCode', `${programCode} has no tier "${tierCode}"`);
      return tier;
    }
    return manager.findOneOrFail(TierEntity, { where: { programCode }, order: { rank: 'ASC' } });
  }
}

/**
 * Partners see only themselves and distributors only their partners, whatever filter they send.
 * The scope follows the role, and that role's id must be there: an empty id never means "no filter".
 */
function scopeToCaller(claims: Claims | null, filter: PartnerFilter): PartnerFilter & { onlyPartnerId?: string } {
  if (claims?.role === 'partner') return { ...filter, onlyPartnerId: ownPartnerId(claims) };
  if (claims?.role === 'distributor') return { ...filter, distributorId: ownDistributorId(claims) };
  return filter;
}

async function validDistributors(manager: EntityManager, ids: readonly string[], country: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await manager.findBy(DistributorEntity, { id: In(unique) });
  for (const id of unique) {
    const distributor = found.find((d) => d.id === id);
    if (!distributor) throw new InvalidInputError('distributorIds', `unknown distributor "${id}"`);
    if (!distributor.countries.includes(country)) {
      throw new InvalidInputError('distributorIds', `${distributor.name} does not serve ${country}`);
    }
  }
  return unique;
}

async function linkDistributors(manager: EntityManager, partnerId: string, distributorIds: readonly string[]): Promise<void> {
  if (distributorIds.length === 0) return;
  await manager.insert(
    PartnerDistributorEntity,
    distributorIds.map((distributorId) => ({ partnerId, distributorId })),
  );
}

/** The distributors of the shared copy with these ids (a loop: a page calls it once per partner). */
function known(ids: readonly string[], reference: ReferenceSnapshot): DistributorEntity[] {
  const found: DistributorEntity[] = [];
  for (const id of ids) {
    const distributor = reference.distributors.get(id);
    if (distributor) found.push(distributor);
  }
  return found;
}

/** Sorts `distributors` in place by name, as the shared copy ranks them. */
function inNameOrder(distributors: DistributorEntity[], reference: ReferenceSnapshot): DistributorEntity[] {
  const rank = reference.distributorRank;
  return distributors.length < 2 ? distributors : distributors.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
}
