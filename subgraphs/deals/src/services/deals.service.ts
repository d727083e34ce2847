import { Brackets, In, LessThan, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { requireClaims, type Claims } from '@hub/auth';
import { forUpdate, keysetPage, keysetPagesByParent, lockNames, newId, type Database, type KeysetKey, type KeysetPage } from '@hub/db';
import { addDays, type Clock, InvalidInputError, NotFoundError, parseEndCustomer, parseIsoDate } from '@hub/domain';
import {
  CatalogNotReceivedError,
  DealsError,
  approvalExpiresOn,
  catalogProblem,
  catalogProductLine,
  findConflict,
  HOLDING_STATUSES,
  isExpiredOn,
  nextStatus,
  normaliseSku,
  priceLines,
  segmentForSeats,
  targetStatus,
  type CatalogProblem,
  type CatalogSku,
  type DealAction,
  type DealLineInput,
  type DealStatus,
  type Segment,
} from '../domain';
import { CatalogSkuRefEntity } from '../entities/catalog-sku-ref.entity';
import { CatalogSyncEntity } from '../entities/catalog-sync.entity';
import { DealEntity, type DealType } from '../entities/deal.entity';
import { DealLineEntity } from '../entities/deal-line.entity';
import { DistributorRefEntity, PartnerRefEntity } from '../entities/partner-ref.entity';
import { RegistrationPolicyEntity } from '../entities/registration-policy.entity';
import { assertCanReadDeal, assertCanRegisterFor, assertOwnerOrStaff, requireStaff } from './access';
import { CATALOG_SYNC_ID } from './catalog-refs.consumer';
import type { DealEventKind } from './deal-events';

export interface RegisterDealInput {
  partnerId: string;
  distributorId?: string | null;
  referringPartnerId?: string | null;
  endCustomer: { name: string; country: string; domain?: string | null };
  type: DealType;
  /** Taken from the lines when left out; when given, it must be theirs. */
  productLine?: string | null;
  lines: DealLineInput[];
  expectedCloseDate: string;
}

export interface DealFilter {
  status?: DealStatus[] | null;
  partnerId?: string | null;
  distributorId?: string | null;
  type?: DealType | null;
  segment?: Segment | null;
  productLine?: string | null;
  registeredFrom?: string | null;
  registeredTo?: string | null;
  expectedCloseFrom?: string | null;
  expectedCloseTo?: string | null;
  closedFrom?: string | null;
  closedTo?: string | null;
}

/** A deal with lines the catalog does not cover, and what is wrong with each of them. */
export interface DealOutsideCatalog {
  deal: DealEntity;
  lines: { position: number; sku: string; problem: CatalogProblem }[];
}

/** Records a deal's change as an event in the same transaction (the outbox). */
export interface DealEventRecorder {
  record(manager: EntityManager, kind: DealEventKind, deal: DealEntity, lines: readonly DealLineEntity[]): Promise<void>;
  /** Called after a commit so the event goes out without waiting for the next poll. */
  committed(): void;
}

const PRODUCT_LINE = /^[A-Z][A-Z0-9_]{1,39}$/;

export class DealsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly events: DealEventRecorder,
  ) {}

  async get(claims: Claims | null, id: string, load: (id: string) => Promise<DealEntity | null>): Promise<DealEntity | null> {
    requireClaims(claims);
    const deal = await load(id);
    if (deal) assertCanReadDeal(claims, deal);
    return deal;
  }

  async list(claims: Claims | null, filter: DealFilter, page: { first: number; after?: string }): Promise<KeysetPage<DealEntity>> {
    return keysetPage(dealsQuery(this.database.dataSource.manager, claims, filter), [DEAL_KEY], page);
  }

  async register(claims: Claims | null, input: RegisterDealInput): Promise<DealEntity> {
    const caller = assertCanRegisterFor(claims, input.partnerId);
    const customer = parseEndCustomer('endCustomer', input.endCustomer);
    const { name: customerName, country: customerCountry, domain: customerDomain } = customer;
    const requestedLine = input.productLine == null ? null : input.productLine.trim().toUpperCase();
    if (requestedLine !== null && !PRODUCT_LINE.test(requestedLine)) throw new InvalidInputError('productLine', `"${input.productLine}" is not a product line code`);
    const expectedCloseDate = parseIsoDate('expectedCloseDate', input.expectedCloseDate);
    const today = this.clock.today();
    if (expectedCloseDate < today) throw new InvalidInputError('expectedCloseDate', `${expectedCloseDate} is in the past`);

    const deal = await this.database.transaction(async (manager) => {
      const partner = await manager.findOneBy(PartnerRefEntity, { id: input.partnerId });
      if (!partner) throw new InvalidInputError('partnerId', `unknown partner "${input.partnerId}"`);
      if (partner.status === 'TERMINATED') throw new DealsError('DEALS.PARTNER_INACTIVE', `${partner.name} is terminated and cannot register deals`, { partnerId: partner.id });
      if (input.distributorId != null) {
        if (!(await manager.existsBy(DistributorRefEntity, { id: input.distributorId }))) {
          throw new InvalidInputError('distributorId', `unknown distributor "${input.distributorId}"`);
        }
        if (!partner.distributorIds.includes(input.distributorId)) {
          throw new InvalidInputError('distributorId', `${partner.name} does not buy through distributor ${input.distributorId}`);
        }
      }
      if (input.referringPartnerId != null) {
        if (input.referringPartnerId === input.partnerId) throw new InvalidInputError('referringPartnerId', 'a partner cannot refer its own deal');
        if (!(await manager.existsBy(PartnerRefEntity, { id: input.referringPartnerId }))) {
          throw new InvalidInputError('referringPartnerId', `unknown partner "${input.referringPartnerId}"`);
        }
      }
      const priced = priceLines(input.lines, partner.currency);
      const skus = priced.lines.map((line) => normaliseSku(line.sku));
      const productLine = catalogProductLine(skus, await this.catalogSkus(manager, skus), requestedLine);
      const customerKey = customer.key;
      await this.lockCustomer(manager, productLine, customerKey, customerDomain);
      const holders = await manager
        .createQueryBuilder(DealEntity, 'deal')
        .where('deal.productLine = :productLine AND deal.status IN (:...holding) AND deal.partnerId <> :partnerId', {
          productLine,
          holding: HOLDING_STATUSES,
          partnerId: partner.id,
        })
        .andWhere(
          new Brackets((same) => {
            same.where('deal.customerKey = :customerKey', { customerKey });
            if (customerDomain) same.orWhere('deal.customerDomain = :customerDomain', { customerDomain });
          }),
        )
        .getMany();
      const conflict = findConflict({ partnerId: partner.id, productLine, customerKey, customerDomain }, holders, today);

      const now = this.clock.now();
      const deal = manager.create(DealEntity, {
        id: newId(),
        partnerId: partner.id,
        distributorId: input.distributorId ?? null,
        referringPartnerId: input.referringPartnerId ?? null,
        programCode: partner.programCode,
        customerName,
        customerKey,
        customerCountry,
        customerDomain,
        type: input.type,
        productLine,
        segment: segmentForSeats(priced.seats),
        seats: priced.seats,
        amount: priced.amount,
        currency: partner.currency,
        status: 'SUBMITTED',
        expectedCloseDate,
        registeredAt: now,
        approvedAt: null,
        expiresAt: null,
        closedAt: null,
        reason: null,
        conflictWithId: conflict?.id ?? null,
        registeredBy: caller.sub,
        updatedAt: now,
      });
      await manager.insert(DealEntity, deal);
      const lines = priced.lines.map((line, position) => manager.create(DealLineEntity, { ...line, sku: skus[position]!, id: newId(), dealId: deal.id, position }));
      await manager.insert(DealLineEntity, lines);
      await this.events.record(manager, 'SUBMITTED', deal, lines);
      return deal;
    });
    this.events.committed();
    return deal;
  }

  approve(claims: Claims | null, id: string): Promise<DealEntity> {
    requireStaff(claims);
    return this.change(id, 'approve', 'APPROVED', async (deal, manager) => {
      if (deal.conflictWithId) {
        throw new DealsError('DEALS.CONFLICT', `Deal ${deal.id} conflicts with deal ${deal.conflictWithId}; resolve the conflict first`, {
          dealId: deal.id,
          conflictWith: deal.conflictWithId,
        });
      }
      const policy = await this.policyFor(manager, deal.programCode);
      deal.approvedAt = this.clock.now();
      deal.expiresAt = approvalExpiresOn(this.clock.today(), policy.approvalValidityDays);
    });
  }

  reject(claims: Claims | null, id: string, reason: string): Promise<DealEntity> {
    requireStaff(claims);
    const why = requiredReason(reason);
    return this.change(id, 'reject', 'REJECTED', (deal) => {
      deal.reason = why;
    });
  }

  withdraw(claims: Claims | null, id: string): Promise<DealEntity> {
    return this.change(id, 'withdraw', 'WITHDRAWN', () => undefined, { authorize: (deal) => assertOwnerOrStaff(claims, deal) });
  }

  extend(claims: Claims | null, id: string, days: number): Promise<DealEntity> {
    requireStaff(claims);
    return this.change(id, 'extend', 'EXTENDED', async (deal, manager) => {
      const policy = await this.policyFor(manager, deal.programCode);
      if (!Number.isInteger(days) || days < 1 || days > policy.maxExtensionDays) {
        throw new InvalidInputError('days', `must be a whole number from 1 to ${policy.maxExtensionDays}, got ${days}`);
      }
      deal.expiresAt = approvalExpiresOn(deal.expiresAt ?? this.clock.today(), days);
    });
  }

  markWon(claims: Claims | null, id: string, closedAt: string): Promise<DealEntity> {
    requireStaff(claims);
    const closed = parseIsoDate('closedAt', closedAt);
    if (closed > this.clock.today()) throw new InvalidInputError('closedAt', `${closed} is in the future`);
    return this.change(id, 'markWon', 'WON', (deal) => {
      if (closed < deal.registeredAt.toISOString().slice(0, 10)) throw new InvalidInputError('closedAt', `${closed} is before the deal was registered`);
      deal.closedAt = closed;
    });
  }

  markLost(claims: Claims | null, id: string, reason: string): Promise<DealEntity> {
    requireStaff(claims);
    const why = requiredReason(reason);
    return this.change(id, 'markLost', 'LOST', (deal) => {
      deal.reason = why;
      deal.closedAt = this.clock.today();
    });
  }

  reverse(claims: Claims | null, id: string, reason: string): Promise<DealEntity> {
    requireStaff(claims);
    const why = requiredReason(reason);
    return this.change(id, 'reverse', 'REVERSED', (deal) => {
      deal.reason = why;
    });
  }

  /**
   * Settles a flagged registration: the winner keeps the customer, the other registration
   * (which must still be only submitted) is rejected — unless it was withdrawn, rejected or
   * closed meanwhile, in which case only the flags are cleared.
   */
  async resolveConflict(claims: Claims | null, dealId: string, winnerDealId: string): Promise<DealEntity> {
    requireStaff(claims);
    const winner = await this.database.transaction(async (manager) => {
      const flagged = await this.lock(manager, dealId);
      if (!flagged.conflictWithId) throw new InvalidInputError('dealId', `deal ${dealId} has no conflict to resolve`);
      if (winnerDealId !== flagged.id && winnerDealId !== flagged.conflictWithId) {
        throw new InvalidInputError('winnerDealId', `must be ${flagged.id} or the deal it conflicts with, ${flagged.conflictWithId}`);
      }
      const loserId = winnerDealId === flagged.id ? flagged.conflictWithId : flagged.id;
      const loser = loserId === flagged.id ? flagged : await this.lock(manager, loserId);
      const winner = winnerDealId === flagged.id ? flagged : await this.lock(manager, winnerDealId);
      const now = this.clock.now();

      // Without this, a newcomer flagged against a registration that was later withdrawn could
      // never be approved: rejecting the withdrawn one is an illegal transition.
      const loserHolds = HOLDING_STATUSES.includes(loser.status);
      if (loserHolds) {
        loser.status = nextStatus(loser.status, 'reject');
        loser.reason = `conflict resolved in favour of deal ${winner.id}`;
      }
      loser.conflictWithId = null;
      loser.updatedAt = now;
      winner.conflictWithId = null;
      winner.updatedAt = now;
      await manager.save(DealEntity, [loser, winner]);
      if (loserHolds) await this.events.record(manager, 'REJECTED', loser, await manager.findBy(DealLineEntity, { dealId: loser.id }));
      await this.events.record(manager, 'CONFLICT_RESOLVED', winner, await manager.findBy(DealLineEntity, { dealId: winner.id }));
      return winner;
    });
    this.events.committed();
    return winner;
  }

  /**
   * Staff's report of deals registered before deals checked lines against the catalog (or whose
   * SKU the catalog has since changed): every deal with a line naming a SKU the catalog does not
   * hold, a usage SKU, or a SKU of another product line than the deal's. Read from the current
   * copy of the catalog, so it is right whenever it is asked, unlike a check frozen at migration
   * time; refused as retryable until the catalog has arrived, when every SKU would look unknown.
   */
  async outsideCatalog(claims: Claims | null, page: { first: number; after?: string }): Promise<KeysetPage<DealOutsideCatalog>> {
    requireStaff(claims);
    const manager = this.database.dataSource.manager;
    if (!(await catalogComplete(manager))) throw new CatalogNotReceivedError();
    const query = manager
      .createQueryBuilder(DealEntity, 'deal')
      .where(
        `EXISTS (SELECT 1 FROM deal_line line LEFT JOIN catalog_sku_ref sku ON sku.code = UPPER(TRIM(line.sku))
          WHERE line.dealId = deal.id AND (sku.code IS NULL OR sku.billing <> 'TERM' OR sku.productLine <> deal.productLine))`,
      );
    const deals = await keysetPage(query, [DEAL_KEY], page);
    const lines = deals.nodes.length ? await manager.find(DealLineEntity, { where: { dealId: In(deals.nodes.map((deal) => deal.id)) }, order: { position: 'ASC' } }) : [];
    const catalog = await this.catalogSkus(manager, lines.map((line) => normaliseSku(line.sku)));
    const linesOf = new Map<string, DealLineEntity[]>();
    for (const line of lines) linesOf.set(line.dealId, [...(linesOf.get(line.dealId) ?? []), line]);
    const nodes = deals.nodes.map((deal) => ({
      deal,
      lines: (linesOf.get(deal.id) ?? []).flatMap((line) => {
        const problem = catalogProblem(deal.productLine, catalog.get(normaliseSku(line.sku)));
        return problem ? [{ position: line.position, sku: line.sku, problem }] : [];
      }),
    }));
    return { ...deals, nodes, cursorOf: (node) => deals.cursorOf(node.deal) };
  }

  /** Marks approved registrations past their validity EXPIRED, each with its event. Returns how many. */
  async expireDue(batchSize = 200): Promise<number> {
    const today = this.clock.today();
    let expired = 0;
    for (;;) {
      const due = await this.database.dataSource.manager.find(DealEntity, {
        select: { id: true },
        where: { status: 'APPROVED', expiresAt: LessThan(today) },
        order: { id: 'ASC' },
        take: batchSize,
      });
      for (const { id } of due) {
        await this.change(id, 'expire', 'EXPIRED', () => undefined, { skipLapseCheck: true });
        expired += 1;
      }
      if (due.length < batchSize) return expired;
    }
  }

  private async change(
    id: string,
    action: DealAction,
    kind: DealEventKind,
    apply: (deal: DealEntity, manager: EntityManager) => void | Promise<void>,
    options: { skipLapseCheck?: boolean; authorize?: (deal: DealEntity) => void } = {},
  ): Promise<DealEntity> {
    const deal = await this.database.transaction(async (manager) => {
      const deal = await this.lock(manager, id);
      // Before any transition check, so a caller who may not act on the deal learns nothing of its status.
      options.authorize?.(deal);
      // An approval past its validity is expired whether or not the sweep has run yet.
      if (!options.skipLapseCheck && deal.status === 'APPROVED' && deal.expiresAt && isExpiredOn(deal.expiresAt, this.clock.today())) {
        throw new DealsError('DEALS.INVALID_TRANSITION', `The approval of deal ${deal.id} expired on ${deal.expiresAt}`, {
          from: 'EXPIRED',
          to: targetStatus(action),
          action,
        });
      }
      deal.status = nextStatus(deal.status, action);
      await apply(deal, manager);
      deal.updatedAt = this.clock.now();
      await manager.save(DealEntity, deal);
      await this.events.record(manager, kind, deal, await manager.findBy(DealLineEntity, { dealId: deal.id }));
      return deal;
    });
    this.events.committed();
    return deal;
  }

  /**
   * The catalog's SKUs among `codes`, in one query however many lines. When some are missing
   * and deals' copy is not complete yet (first start, licenses' events still arriving), they may
   * be on their way: that is retryable, not an unknown SKU.
   */
  private async catalogSkus(manager: EntityManager, codes: readonly string[]): Promise<Map<string, CatalogSku>> {
    const distinct = [...new Set(codes)];
    if (distinct.length === 0) return new Map();
    const found = await manager.findBy(CatalogSkuRefEntity, { code: In(distinct) });
    if (found.length < distinct.length && !(await catalogComplete(manager))) throw new CatalogNotReceivedError();
    return new Map(found.map((sku) => [sku.code, sku]));
  }

  /**
   * Serialises registrations of one end customer and product line (by name and by domain) so the
   * conflict check below sees a registration another transaction is committing at the same
   * moment; under READ COMMITTED it otherwise would not. `ON DUPLICATE KEY UPDATE` takes the
   * row's exclusive lock at once (no shared-then-exclusive deadlock); keys are taken in sorted
   * order. SQLite needs nothing: the embedded database has one writer at a time.
   */
  private async lockCustomer(manager: EntityManager, productLine: string, customerKey: string, customerDomain: string | null): Promise<void> {
    await lockNames(manager, this.database.dialect, 'customer_lock', [`name:${productLine}:${customerKey}`, ...(customerDomain ? [`domain:${productLine}:${customerDomain}`] : [])]);
  }

  private async lock(manager: EntityManager, id: string): Promise<DealEntity> {
    const deal = await forUpdate(manager.createQueryBuilder(DealEntity, 'deal').where('deal.id = :id', { id }), this.database.dialect).getOne();
    if (!deal) throw new NotFoundError('Deal', id);
    return deal;
  }

  private async policyFor(manager: EntityManager, programCode: string): Promise<RegistrationPolicyEntity> {
    return (await manager.findOneBy(RegistrationPolicyEntity, { programCode })) ?? Object.assign(new RegistrationPolicyEntity(), DEFAULT_POLICY, { programCode });
  }
}

/** Demo configuration: approvals last 90 days and can be extended by up to 90 at a time. */
export const DEFAULT_POLICY = { approvalValidityDays: 90, maxExtensionDays: 90 };

/** A reason is kept in a column of 1000 characters; a longer one is refused rather than cut (or, on MySQL, failed). */
const MAX_REASON = 1000;

function requiredReason(reason: string): string {
  const why = reason.trim();
  if (why === '') throw new InvalidInputError('reason', 'must not be empty');
  if (why.length > MAX_REASON) throw new InvalidInputError('reason', `must be at most ${MAX_REASON} characters`);
  return why;
}

/** Deals' copy holds at least as many SKUs as licenses last said its whole catalog has. */
async function catalogComplete(manager: EntityManager): Promise<boolean> {
  const published = await manager.findOneBy(CatalogSyncEntity, { id: CATALOG_SYNC_ID });
  return published !== null && (await manager.count(CatalogSkuRefEntity)) >= published.expectedSkus;
}

const DEAL_KEY: KeysetKey<DealEntity> = { column: 'deal.id', value: (deal) => deal.id };

/** The deals `claims` may read that match `filter`, as a query to page. */
function dealsQuery(manager: EntityManager, claims: Claims | null, filter: DealFilter): SelectQueryBuilder<DealEntity> {
  const caller = requireClaims(claims);
  const query = manager.createQueryBuilder(DealEntity, 'deal');
  // Row-level access first: whatever the filter says, a partner sees its own (and referred) deals,
  // a distributor the deals it fulfils.
  if (caller.role === 'partner') {
    query.andWhere(new Brackets((own) => own.where('deal.partnerId = :me', { me: caller.partnerId }).orWhere('deal.referringPartnerId = :me')));
  } else if (caller.role === 'distributor') {
    query.andWhere('deal.distributorId = :mine', { mine: caller.distributorId });
  }
  if (filter.status?.length) query.andWhere('deal.status IN (:...statuses)', { statuses: filter.status });
  if (filter.partnerId != null) query.andWhere('deal.partnerId = :partnerId', { partnerId: filter.partnerId });
  if (filter.distributorId != null) query.andWhere('deal.distributorId = :distributorId', { distributorId: filter.distributorId });
  if (filter.type) query.andWhere('deal.type = :type', { type: filter.type });
  if (filter.segment) query.andWhere('deal.segment = :segment', { segment: filter.segment });
  if (filter.productLine) query.andWhere('deal.productLine = :productLine', { productLine: filter.productLine });
  const range = (column: string, field: string, from?: string | null, to?: string | null, instant = false) => {
    if (from) query.andWhere(`${column} >= :${field}From`, { [`${field}From`]: instant ? `${parseIsoDate(`${field}From`, from)} 00:00:00` : parseIsoDate(`${field}From`, from) });
    if (to) query.andWhere(`${column} ${instant ? '<' : '<='} :${field}To`, { [`${field}To`]: instant ? `${addDays(parseIsoDate(`${field}To`, to), 1)} 00:00:00` : parseIsoDate(`${field}To`, to) });
  };
  range('deal.registeredAt', 'registered', filter.registeredFrom, filter.registeredTo, true);
  range('deal.expectedCloseDate', 'expectedClose', filter.expectedCloseFrom, filter.expectedCloseTo);
  range('deal.closedAt', 'closed', filter.closedFrom, filter.closedTo);
  return query;
}

/**
 * Partner.deals for every partner of a request: each partner's page of the deals `claims` may
 * read that match `filter` (its partnerId set aside), in two statements however many partners.
 */
export function dealPagesByPartner(
  manager: EntityManager,
  claims: Claims | null,
  filter: DealFilter,
  partnerIds: readonly string[],
  page: { first: number; after?: string },
): Promise<Map<string, KeysetPage<DealEntity>>> {
  const query = dealsQuery(manager, claims, { ...filter, partnerId: null });
  return keysetPagesByParent(query, { column: 'deal.partnerId', of: (deal) => deal.partnerId }, DEAL_KEY, partnerIds, page);
}
