import { In, LessThanOrEqual, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { Claims } from '@hub/auth';
import type { EventPayload } from '@hub/contracts';
import { ownDistributorId, requireClaims } from '@hub/auth';
import { forUpdate, keysetPage, keysetPagesByParent, newId, type Database, type KeysetKey, type KeysetPage } from '@hub/db';
import { addDays, type Clock, type EndCustomerInput, ForbiddenError, InvalidInputError, NotFoundError, parseEndCustomer, parseIsoDate } from '@hub/domain';
import {
  assertActionAllowed,
  checkLicenseSeats,
  checkTermMonths,
  DEPLOYMENTS,
  expiringDaysLeft,
  hasLapsed,
  nextTermStart,
  termAmount,
  termEnd,
  type Deployment,
  type LicenseStatus,
} from '../domain';
import { DistributorRefEntity, EndCustomerEntity, LicenseEntity, LicenseExpiringNoticeEntity, LicenseTermEntity, PartnerRefEntity, SkuEntity } from '../entities';
import { assertCanRead, assertOwnerOrStaff, isStaff, requireStaff } from './access';
import { customerFor } from './customers';
import type { LicenseEventType, LicensesEvents } from './events';
import { licenseEventPayload } from './license-events';
import { policyFor, termPriceOn } from './price-book';

export interface IssueLicenseInput {
  partnerId: string;
  distributorId?: string | null;
  customer: EndCustomerInput;
  sku: string;
  seats: number;
  deployment?: Deployment | null;
  startsOn?: string | null;
  termMonths?: number | null;
}

export interface LicenseFilter {
  partnerId?: string | null;
  distributorId?: string | null;
  customerId?: string | null;
  status?: LicenseStatus[] | null;
  sku?: string | null;
  productLine?: string | null;
  endsFrom?: string | null;
  endsTo?: string | null;
}

/** The facts of a won deal that licences are issued from: what they read of the catalogue's deal payload. */
export type WonDealFacts = Pick<EventPayload<'deal.won', 1>, 'dealId' | 'partnerId' | 'distributorId' | 'programCode' | 'productLine' | 'currency' | 'endCustomer' | 'lines' | 'closedAt'>;

export class LicensesService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly events: LicensesEvents,
  ) {}

  async get(claims: Claims | null, id: string, load: (id: string) => Promise<LicenseEntity | null>): Promise<LicenseEntity | null> {
    requireClaims(claims);
    const license = await load(id);
    if (license) assertCanRead(claims, license, `licence ${id}`);
    return license;
  }

  async list(claims: Claims | null, filter: LicenseFilter, page: { first: number; after?: string }): Promise<KeysetPage<LicenseEntity>> {
    return keysetPage(licensesQuery(this.database.dataSource.manager, claims, filter), [LICENSE_KEY], page);
  }

  /** A term licence sold outside a registered deal: by staff, or by a distributor for a partner it serves. */
  async issue(claims: Claims | null, input: IssueLicenseInput): Promise<LicenseEntity> {
    const caller = requireClaims(claims);
    const customer = parseEndCustomer('customer', input.customer);
    const seats = checkLicenseSeats('seats', input.seats);
    const today = this.clock.today();
    const startsOn = input.startsOn ? parseIsoDate('startsOn', input.startsOn) : today;
    const distributorId = input.distributorId ?? (caller.role === 'distributor' ? (caller.distributorId ?? null) : null);
    // Decided before anything is looked up: a caller who may not issue learns nothing about
    // other partners, not even whether an id exists.
    if (!isStaff(caller) && !(caller.role === 'distributor' && distributorId !== null && distributorId === caller.distributorId)) {
      throw new ForbiddenError('Licences are issued by channel staff or by the distributor fulfilling the order');
    }
    const license = await this.database.transaction(async (manager) => {
      const partner = await manager.findOneBy(PartnerRefEntity, { id: input.partnerId });
      // A distributor gets one answer for "no such partner" and "not one of yours".
      if (caller.role === 'distributor' && (!partner || distributorId === null || !partner.distributorIds.includes(distributorId))) {
        throw new ForbiddenError('A distributor issues licences only for partners that buy through it');
      }
      if (!partner) throw new InvalidInputError('partnerId', `unknown partner "${input.partnerId}"`);
      if (partner.status === 'TERMINATED') throw new InvalidInputError('partnerId', `${partner.name} is terminated`);
      if (distributorId !== null) {
        if (!(await manager.existsBy(DistributorRefEntity, { id: distributorId }))) throw new InvalidInputError('distributorId', `unknown distributor "${distributorId}"`);
        if (!partner.distributorIds.includes(distributorId)) throw new InvalidInputError('distributorId', `${partner.name} does not buy through distributor ${distributorId}`);
      }
      const sku = await this.termSku(manager, 'sku', input.sku);
      const deployment = this.deploymentFor('deployment', sku, input.deployment ?? null);
      const policy = await policyFor(manager, partner.programCode);
      const months = checkTermMonths('termMonths', input.termMonths ?? policy.defaultTermMonths);
      const amount = termAmount(await termPriceOn(manager, sku.code, partner.currency, startsOn), seats, months);
      return this.create(manager, {
        partnerId: partner.id,
        distributorId,
        programCode: partner.programCode,
        currency: partner.currency,
        customer: await customerFor(manager, partner.id, customer, this.clock.now()),
        sku: sku.code,
        productLine: sku.productLine,
        seats,
        deployment,
        startsOn,
        months,
        amount,
        source: null,
        createdBy: caller.sub,
      });
    });
    this.events.committed();
    return license;
  }

  /**
   * One licence per line of a won deal, in the consumer's transaction. The unique (deal, line)
   * index makes a second delivery a no-op even if the processed-event record were lost.
   */
  async issueFromDeal(manager: EntityManager, deal: WonDealFacts): Promise<number> {
    if (await manager.existsBy(LicenseEntity, { sourceDealId: deal.dealId })) return 0;
    const startsOn = deal.closedAt ?? this.clock.today();
    const policy = await policyFor(manager, deal.programCode);
    const customer = await customerFor(manager, deal.partnerId, parseEndCustomer('endCustomer', deal.endCustomer), this.clock.now());
    // Deals keeps a line's SKU as typed; the catalog's codes are upper case.
    const codeOf = (line: { sku: string }) => line.sku.trim().toUpperCase();
    const skus = new Map((await manager.findBy(SkuEntity, { code: In(deal.lines.map(codeOf)) })).map((sku) => [sku.code, sku]));
    let issued = 0;
    for (const [position, line] of deal.lines.entries()) {
      const sku = skus.get(codeOf(line));
      // Usage seats are billed from monthly reports under a master licence, not as a term.
      if (sku?.billing === 'USAGE') continue;
      await this.create(manager, {
        partnerId: deal.partnerId,
        distributorId: deal.distributorId,
        programCode: deal.programCode,
        currency: deal.currency,
        customer,
        sku: codeOf(line),
        productLine: sku?.productLine ?? deal.productLine,
        seats: line.seats,
        deployment: sku?.deployments[0] ?? 'CLOUD',
        startsOn,
        months: policy.defaultTermMonths,
        amount: BigInt(line.amountMinor),
        source: { dealId: deal.dealId, line: position },
        createdBy: `deal:${deal.dealId}`,
      });
      issued += 1;
    }
    return issued;
  }

  /** A reversed deal takes back the licences it issued. */
  async revokeFromDeal(manager: EntityManager, dealId: string, reason: string): Promise<number> {
    const licenses = await manager.findBy(LicenseEntity, { sourceDealId: dealId, status: In(['ACTIVE', 'EXPIRED']) });
    for (const license of licenses) await this.applyRevocation(manager, license, reason);
    return licenses.length;
  }

  async renew(claims: Claims | null, id: string, termMonths: number): Promise<LicenseEntity> {
    const months = checkTermMonths('termMonths', termMonths);
    const license = await this.database.transaction(async (manager) => {
      const license = await this.lock(manager, id);
      const renewer = await this.authorizeRenewal(manager, claims, license);
      assertActionAllowed(license.id, license.status, 'renew');
      const latest = await manager.findOne(LicenseTermEntity, { where: { licenseId: license.id }, order: { sequence: 'DESC' } });
      const startsOn = nextTermStart(license.id, latest ?? { startsOn: license.startsOn, endsOn: license.endsOn }, this.clock.today());
      const amount = termAmount(await termPriceOn(manager, license.sku, license.currency, startsOn), license.seats, months);
      const term = manager.create(LicenseTermEntity, {
        id: newId(),
        licenseId: license.id,
        sequence: (latest?.sequence ?? 0) + 1,
        kind: 'RENEWAL',
        startsOn,
        endsOn: termEnd(startsOn, months),
        months,
        seats: license.seats,
        amount,
        currency: license.currency,
        distributorId: renewer.distributorId,
        createdBy: renewer.sub,
        createdAt: this.clock.now(),
      });
      await manager.insert(LicenseTermEntity, term);
      license.endsOn = term.endsOn;
      // A renewal that covers today brings an expired licence back.
      license.status = hasLapsed(license.endsOn, this.clock.today()) ? 'EXPIRED' : 'ACTIVE';
      if (renewer.distributorId !== null) license.distributorId = renewer.distributorId;
      license.updatedAt = this.clock.now();
      await manager.save(LicenseEntity, license);
      await this.emit(manager, 'license.renewed', license, term);
      return license;
    });
    this.events.committed();
    return license;
  }

  async transfer(claims: Claims | null, id: string, toCustomer: EndCustomerInput): Promise<LicenseEntity> {
    const customer = parseEndCustomer('toCustomer', toCustomer);
    return this.change(claims, id, 'transfer', 'license.transferred', async (license, manager) => {
      // Only between the owning partner's own customers: the target is found or created under it.
      const target = await customerFor(manager, license.partnerId, customer, this.clock.now());
      if (target.id === license.customerId) throw new InvalidInputError('toCustomer', `the licence already belongs to ${target.name}`);
      license.customerId = target.id;
    });
  }

  async changeDeployment(claims: Claims | null, id: string, deployment: Deployment): Promise<LicenseEntity> {
    return this.change(claims, id, 'changeDeployment', 'license.deployment_changed', async (license, manager) => {
      const sku = await manager.findOneBy(SkuEntity, { code: license.sku });
      const next = this.deploymentFor('deployment', sku, deployment);
      if (next === license.deployment) throw new InvalidInputError('deployment', `the licence already runs ${next}`);
      // Portable licences: the model changes, the term and its price do not.
      license.deployment = next;
    });
  }

  async revoke(claims: Claims | null, id: string, reason: string): Promise<LicenseEntity> {
    requireStaff(claims);
    const why = reason.trim();
    if (why === '' || why.length > 1000) throw new InvalidInputError('reason', 'must be 1 to 1000 characters');
    const license = await this.database.transaction(async (manager) => this.applyRevocation(manager, await this.lock(manager, id), why));
    this.events.committed();
    return license;
  }

  /** Marks active licences whose last term has ended EXPIRED, each with its event. Returns how many. */
  async expireDue(batchSize = 200): Promise<number> {
    const today = this.clock.today();
    let expired = 0;
    for (;;) {
      const due = await this.database.dataSource.manager.find(LicenseEntity, {
        select: { id: true },
        where: { status: 'ACTIVE', endsOn: LessThanOrEqual(today) },
        order: { id: 'ASC' },
        take: batchSize,
      });
      for (const { id } of due) {
        await this.database.transaction(async (manager) => {
          const license = await this.lock(manager, id);
          if (license.status !== 'ACTIVE' || !hasLapsed(license.endsOn, today)) return;
          license.status = 'EXPIRED';
          license.updatedAt = this.clock.now();
          await manager.save(LicenseEntity, license);
          await this.emit(manager, 'license.expired', license);
        });
        expired += 1;
      }
      this.events.committed();
      if (due.length < batchSize) return expired;
    }
  }

  /**
   * Sends license.expiring for each live licence whose end is at most `noticeDays` away, once per
   * licence and end date: the notice row and the event are written in one transaction under the
   * licence's row lock, so a restart or a second instance finds the row and sends nothing more.
   * A renewal moves the end, so its term is announced again when it nears. Returns how many.
   */
  async noticeExpiring(noticeDays: number, batchSize = 200): Promise<number> {
    const today = this.clock.today();
    const horizon = addDays(today, noticeDays);
    let sent = 0;
    for (;;) {
      const due: { id: string }[] = await this.database.dataSource.manager
        .createQueryBuilder(LicenseEntity, 'license')
        .select('license.id', 'id')
        .leftJoin(LicenseExpiringNoticeEntity, 'notice', 'notice.licenseId = license.id AND notice.endsOn = license.endsOn')
        .where('license.status = :active', { active: 'ACTIVE' })
        .andWhere('license.endsOn > :today AND license.endsOn <= :horizon', { today, horizon })
        .andWhere('notice.licenseId IS NULL')
        .orderBy('license.id', 'ASC')
        .limit(batchSize)
        .getRawMany();
      for (const { id } of due) if (await this.database.transaction((manager) => this.noticeOne(manager, id, today, noticeDays))) sent += 1;
      this.events.committed();
      // A licence taken but not announced has changed since it was read and no longer matches.
      if (due.length < batchSize) return sent;
    }
  }

  private async noticeOne(manager: EntityManager, id: string, today: string, noticeDays: number): Promise<boolean> {
    const license = await this.lock(manager, id);
    const daysLeft = expiringDaysLeft(license.endsOn, today, noticeDays);
    if (license.status !== 'ACTIVE' || daysLeft === null) return false;
    if (await manager.existsBy(LicenseExpiringNoticeEntity, { licenseId: id, endsOn: license.endsOn })) return false;
    // The current term: the latest, whose end is the licence's (a renewal made early lies ahead).
    const term = await manager.findOne(LicenseTermEntity, { where: { licenseId: id }, order: { sequence: 'DESC' } });
    const customer = await manager.findOneByOrFail(EndCustomerEntity, { id: license.customerId });
    const event = await this.events.record(manager, 'license.expiring', id, { ...licenseEventPayload(license, customer, term), daysLeft });
    await manager.insert(LicenseExpiringNoticeEntity, { licenseId: id, endsOn: license.endsOn, eventId: event.id, sentAt: this.clock.now() });
    return true;
  }

  private async create(
    manager: EntityManager,
    facts: {
      partnerId: string;
      distributorId: string | null;
      programCode: string;
      currency: string;
      customer: EndCustomerEntity;
      sku: string;
      productLine: string;
      seats: number;
      deployment: Deployment;
      startsOn: string;
      months: number;
      amount: bigint;
      source: { dealId: string; line: number } | null;
      createdBy: string;
    },
  ): Promise<LicenseEntity> {
    const now = this.clock.now();
    const endsOn = termEnd(facts.startsOn, facts.months);
    const license = manager.create(LicenseEntity, {
      id: newId(),
      partnerId: facts.partnerId,
      distributorId: facts.distributorId,
      customerId: facts.customer.id,
      sku: facts.sku,
      productLine: facts.productLine,
      seats: facts.seats,
      deployment: facts.deployment,
      status: hasLapsed(endsOn, this.clock.today()) ? 'EXPIRED' : 'ACTIVE',
      programCode: facts.programCode,
      currency: facts.currency,
      startsOn: facts.startsOn,
      endsOn,
      sourceDealId: facts.source?.dealId ?? null,
      sourceLine: facts.source?.line ?? null,
      revokedReason: null,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(LicenseEntity, license);
    const term = manager.create(LicenseTermEntity, {
      id: newId(),
      licenseId: license.id,
      sequence: 1,
      kind: 'INITIAL',
      startsOn: facts.startsOn,
      endsOn,
      months: facts.months,
      seats: facts.seats,
      amount: facts.amount,
      currency: facts.currency,
      distributorId: facts.distributorId,
      createdBy: facts.createdBy,
      createdAt: now,
    });
    await manager.insert(LicenseTermEntity, term);
    await this.events.record(manager, 'license.issued', license.id, licenseEventPayload(license, facts.customer, term));
    return license;
  }

  private async applyRevocation(manager: EntityManager, license: LicenseEntity, reason: string): Promise<LicenseEntity> {
    assertActionAllowed(license.id, license.status, 'revoke');
    license.status = 'REVOKED';
    license.revokedReason = reason;
    license.updatedAt = this.clock.now();
    await manager.save(LicenseEntity, license);
    await this.emit(manager, 'license.revoked', license, null, reason);
    return license;
  }

  /**
   * Who renews: staff, the owning partner, or a distributor that handles renewals and serves
   * the partner. The distributor's id comes back so the term (and the licence) record it.
   */
  private async authorizeRenewal(manager: EntityManager, claims: Claims | null, license: LicenseEntity): Promise<{ sub: string; distributorId: string | null }> {
    const caller = requireClaims(claims);
    if (isStaff(caller)) return { sub: caller.sub, distributorId: null };
    if (caller.role === 'partner' && caller.partnerId === license.partnerId) return { sub: caller.sub, distributorId: null };
    if (caller.role === 'distributor') {
      const own = ownDistributorId(caller);
      const distributor = await manager.findOneBy(DistributorRefEntity, { id: own });
      const partner = await manager.findOneBy(PartnerRefEntity, { id: license.partnerId });
      const serves = license.distributorId === own || (partner?.distributorIds.includes(own) ?? false);
      if (distributor?.handlesRenewals && serves) return { sub: caller.sub, distributorId: own };
      if (serves) throw new ForbiddenError(`${distributor?.name ?? 'This distributor'} does not handle renewals`);
    }
    throw new ForbiddenError(`You may not renew licence ${license.id}`);
  }

  /** Owner-or-staff changes to a live licence, under its row lock, with their event. */
  private async change(
    claims: Claims | null,
    id: string,
    action: 'transfer' | 'changeDeployment',
    type: LicenseEventType,
    apply: (license: LicenseEntity, manager: EntityManager) => Promise<void>,
  ): Promise<LicenseEntity> {
    const license = await this.database.transaction(async (manager) => {
      const license = await this.lock(manager, id);
      assertOwnerOrStaff(claims, license.partnerId, `licence ${license.id}`);
      assertActionAllowed(license.id, license.status, action);
      await apply(license, manager);
      license.updatedAt = this.clock.now();
      await manager.save(LicenseEntity, license);
      await this.emit(manager, type, license);
      return license;
    });
    this.events.committed();
    return license;
  }

  private async emit(manager: EntityManager, type: LicenseEventType, license: LicenseEntity, term: LicenseTermEntity | null = null, reason: string | null = null) {
    const customer = await manager.findOneByOrFail(EndCustomerEntity, { id: license.customerId });
    await this.events.record(manager, type, license.id, licenseEventPayload(license, customer, term, reason));
  }

  private async lock(manager: EntityManager, id: string): Promise<LicenseEntity> {
    const license = await forUpdate(manager.createQueryBuilder(LicenseEntity, 'license').where('license.id = :id', { id }), this.database.dialect).getOne();
    if (!license) throw new NotFoundError('License', id);
    return license;
  }

  private async termSku(manager: EntityManager, field: string, code: string): Promise<SkuEntity> {
    const sku = await manager.findOneBy(SkuEntity, { code: code.trim().toUpperCase() });
    if (!sku) throw new InvalidInputError(field, `unknown SKU "${code}"`);
    if (sku.billing !== 'TERM') throw new InvalidInputError(field, `${sku.code} is a usage SKU; usage seats go through a master licence`);
    return sku;
  }

  private deploymentFor(field: string, sku: SkuEntity | null, requested: Deployment | null): Deployment {
    if (requested !== null && !DEPLOYMENTS.includes(requested)) throw new InvalidInputError(field, `"${requested}" is not a deployment model`);
    if (!sku) return requested ?? 'CLOUD';
    const chosen = requested ?? sku.deployments[0]!;
    if (!sku.deployments.includes(chosen)) throw new InvalidInputError(field, `${sku.code} runs ${sku.deployments.join(', ')}, not ${chosen}`);
    return chosen;
  }
}

const LICENSE_KEY: KeysetKey<LicenseEntity> = { column: 'license.id', value: (row) => row.id };

/** The licences `claims` may read that match `filter`, as a query to page. */
function licensesQuery(manager: EntityManager, claims: Claims | null, filter: LicenseFilter): SelectQueryBuilder<LicenseEntity> {
  const caller = requireClaims(claims);
  const query = manager.createQueryBuilder(LicenseEntity, 'license');
  // Row-level access before any filter: a partner sees what it owns, a distributor what it serves.
  if (caller.role === 'partner') query.andWhere('license.partnerId = :me', { me: caller.partnerId });
  else if (caller.role === 'distributor') query.andWhere('license.distributorId = :mine', { mine: caller.distributorId });
  else if (!isStaff(caller) && caller.role !== 'bi') throw new ForbiddenError('You may not list licences');
  if (filter.partnerId != null) query.andWhere('license.partnerId = :partnerId', { partnerId: filter.partnerId });
  if (filter.distributorId != null) query.andWhere('license.distributorId = :distributorId', { distributorId: filter.distributorId });
  if (filter.customerId != null) query.andWhere('license.customerId = :customerId', { customerId: filter.customerId });
  if (filter.status?.length) query.andWhere('license.status IN (:...statuses)', { statuses: filter.status });
  if (filter.sku) query.andWhere('license.sku = :sku', { sku: filter.sku.trim().toUpperCase() });
  if (filter.productLine) query.andWhere('license.productLine = :productLine', { productLine: filter.productLine.trim().toUpperCase() });
  if (filter.endsFrom) query.andWhere('license.endsOn >= :endsFrom', { endsFrom: parseIsoDate('filter.endsFrom', filter.endsFrom) });
  if (filter.endsTo) query.andWhere('license.endsOn <= :endsTo', { endsTo: parseIsoDate('filter.endsTo', filter.endsTo) });
  return query;
}

/**
 * Partner.licenses for every partner of a request: each partner's page of the licences `claims`
 * may read that match `filter` (its partnerId set aside), in two statements however many partners.
 */
export function licensePagesByPartner(
  manager: EntityManager,
  claims: Claims | null,
  filter: LicenseFilter,
  partnerIds: readonly string[],
  page: { first: number; after?: string },
): Promise<Map<string, KeysetPage<LicenseEntity>>> {
  const query = licensesQuery(manager, claims, { ...filter, partnerId: null });
  return keysetPagesByParent(query, { column: 'license.partnerId', of: (row) => row.partnerId }, LICENSE_KEY, partnerIds, page);
}
