import { Not, type EntityManager } from 'typeorm';
import { canReadPartner, requireClaims, requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { forUpdate, newId, type Database } from '@hub/db';
import { type Clock, DomainError, ForbiddenError, InvalidInputError, NotFoundError } from '@hub/domain';
import {
  assertAllocationCoversRequests,
  assertMdfEligible,
  assertWithinBalance,
  assertWithinRequest,
  decideMdf,
  mdfEligibilityDate,
  parseMdfAmount,
  parseMdfText,
  parseQuarter,
  quarterOf,
  remainingMdf,
  ruleInEffect,
  unclaimedMdf,
} from '../domain';
import { MdfAllocationEntity, MdfClaimEntity, MdfRequestEntity, PartnerFactEntity, ProgramFactEntity, StatementEntity } from '../entities';
import { PartnerHistories } from './ledger-reader';
import { loadRules } from './rules';

export interface MdfRequestInput {
  partnerId: string;
  period: string;
  amount: string;
  activity: string;
}

export interface MdfClaimInput {
  requestId: string;
  amount: string;
  proofOfPerformance: string;
}

const ACTIVITY_MAX = 1000;
const PROOF_MAX = 500;
const NOTE_MAX = 1000;

/**
 * Market development funds: staff allocate an amount per partner and quarter, the partner requests
 * funds for activities within what is left, staff approve or reject, the partner claims against an
 * approved request with proof of performance, and an approved claim is paid in the statement of
 * the quarter it was approved in. Every check that draws money down runs under the row lock of
 * what it draws from (the allocation for requests, the request for claims), so concurrent
 * requests can never overdraw an allocation.
 */
export class MdfService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the partner's allocation for the period, or changes its amount. An allocation never
   * drops below what its pending and approved requests hold (INCENTIVES.MDF_ALLOCATION_BELOW_REQUESTS).
   */
  async allocate(claims: Claims | null, partnerId: string, period: string, amount: string): Promise<MdfAllocationEntity> {
    const caller = requireRole(claims, STAFF_ROLES);
    const quarter = parseQuarter('period', period);
    return this.database.transaction(async (manager) => {
      // The partner's row lock serialises two first allocations of one partner, so the second
      // finds the first's row and changes it instead of failing on the unique index.
      const partner = await forUpdate(manager.createQueryBuilder(PartnerFactEntity, 'partner').where('partner.id = :partnerId', { partnerId }), this.database.dialect).getOne();
      if (!partner) throw new InvalidInputError('partnerId', `unknown partner "${partnerId}"`);
      const on = mdfEligibilityDate(quarter, this.clock.today());
      const [rules, program] = await Promise.all([loadRules(manager), manager.findOneBy(ProgramFactEntity, { code: partner.programCode })]);
      const histories = await PartnerHistories.load(manager, [partner.id], new Map(program ? [[program.code, program]] : []));
      assertMdfEligible({
        partnerId: partner.id,
        partnerName: partner.name,
        partnerStatus: partner.status,
        programCode: partner.programCode,
        tierCode: histories.standingOn(partner.id, on)!.tierCode,
        rule: ruleInEffect(rules, partner.programCode, 'MDF', on),
        on,
      });

      const existing = await this.lockAllocation(manager, partner.id, quarter);
      // Requests are held in the allocation's currency; a new one takes the partner's.
      const currency = existing?.currency ?? partner.currency;
      const amountMinor = parseMdfAmount('amount', amount, currency);
      if (existing) {
        assertAllocationCoversRequests(amountMinor, await this.heldBy(manager, existing.id), currency);
        existing.amount = amountMinor;
        existing.allocatedBy = caller.sub;
        await manager.update(MdfAllocationEntity, { id: existing.id }, { amount: amountMinor, allocatedBy: caller.sub });
        return existing;
      }
      const allocation = manager.create(MdfAllocationEntity, {
        id: newId(),
        partnerId: partner.id,
        period: quarter,
        amount: amountMinor,
        currency,
        allocatedBy: caller.sub,
        createdAt: this.clock.now(),
      });
      await manager.insert(MdfAllocationEntity, allocation);
      return allocation;
    });
  }

  /** Draws on the partner's allocation for the period; refused past the balance (INCENTIVES.MDF_INSUFFICIENT_BALANCE). */
  async request(claims: Claims | null, input: MdfRequestInput): Promise<MdfRequestEntity> {
    assertActsFor(claims, input.partnerId, `MDF of partner ${input.partnerId}`);
    const quarter = parseQuarter('period', input.period);
    const activity = parseMdfText('activity', input.activity, ACTIVITY_MAX);
    return this.database.transaction(async (manager) => {
      // Concurrent requests queue on the allocation's row lock: each sees every request committed
      // before it, so together they never take more than the allocation.
      const allocation = await this.lockAllocation(manager, input.partnerId, quarter);
      if (!allocation) {
        if (!(await manager.existsBy(PartnerFactEntity, { id: input.partnerId }))) throw new InvalidInputError('partnerId', `unknown partner "${input.partnerId}"`);
        throw new InvalidInputError('period', `partner ${input.partnerId} has no MDF allocation for ${quarter}`);
      }
      const amountMinor = parseMdfAmount('amount', input.amount, allocation.currency);
      assertWithinBalance(amountMinor, remainingMdf(allocation.amount, await this.heldBy(manager, allocation.id)), allocation.currency);
      const request = manager.create(MdfRequestEntity, {
        id: newId(),
        allocationId: allocation.id,
        partnerId: allocation.partnerId,
        amount: amountMinor,
        currency: allocation.currency,
        activity,
        status: 'PENDING',
        decisionNote: null,
        requestedAt: this.clock.now(),
        decidedAt: null,
      });
      await manager.insert(MdfRequestEntity, request);
      return request;
    });
  }

  /** Approves or rejects a pending request; a rejected one gives its amount back to the allocation. */
  async decideRequest(claims: Claims | null, id: string, approve: boolean, note?: string | null): Promise<MdfRequestEntity> {
    requireRole(claims, STAFF_ROLES);
    const decisionNote = parseMdfText('note', note, NOTE_MAX, true);
    return this.database.transaction(async (manager) => {
      const request = await forUpdate(manager.createQueryBuilder(MdfRequestEntity, 'request').where('request.id = :id', { id }), this.database.dialect).getOne();
      if (!request) throw new NotFoundError('MdfRequest', id);
      request.status = decideMdf(`MDF request ${id}`, request.status, approve);
      request.decisionNote = decisionNote;
      request.decidedAt = this.clock.now();
      await manager.update(MdfRequestEntity, { id }, { status: request.status, decisionNote, decidedAt: request.decidedAt });
      return request;
    });
  }

  /** Claims against an approved request, with proof of performance, up to what the request has left (INCENTIVES.MDF_CLAIM_EXCEEDS_REQUEST). */
  async claim(claims: Claims | null, input: MdfClaimInput): Promise<MdfClaimEntity> {
    requireClaims(claims);
    const proofOfPerformance = parseMdfText('proofOfPerformance', input.proofOfPerformance, PROOF_MAX);
    return this.database.transaction(async (manager) => {
      // The request's row lock does for claims what the allocation's does for requests.
      const request = await forUpdate(manager.createQueryBuilder(MdfRequestEntity, 'request').where('request.id = :id', { id: input.requestId }), this.database.dialect).getOne();
      if (!request) throw new InvalidInputError('requestId', `unknown MDF request "${input.requestId}"`);
      assertActsFor(claims, request.partnerId, `MDF request ${request.id}`);
      if (request.status !== 'APPROVED') {
        throw new DomainError('INCENTIVES.INVALID_STATE', `MDF request ${request.id} is ${request.status}; only an approved request can be claimed`, { status: request.status });
      }
      const amountMinor = parseMdfAmount('amount', input.amount, request.currency);
      const others = await manager.find(MdfClaimEntity, { select: { status: true, amount: true }, where: { requestId: request.id, status: Not('REJECTED') } });
      assertWithinRequest(amountMinor, unclaimedMdf(request.amount, others.map((c) => ({ status: c.status, amountMinor: c.amount }))), request.currency);
      const claim = manager.create(MdfClaimEntity, {
        id: newId(),
        requestId: request.id,
        partnerId: request.partnerId,
        amount: amountMinor,
        currency: request.currency,
        proofOfPerformance,
        status: 'PENDING',
        decisionNote: null,
        claimedAt: this.clock.now(),
        decidedOn: null,
      });
      await manager.insert(MdfClaimEntity, claim);
      return claim;
    });
  }

  /**
   * Approves or rejects a pending claim on today's date: an approved claim is paid in this quarter's
   * statement. While that statement is already approved or paid it could never carry the claim, so
   * approval waits for the next quarter (INCENTIVES.PERIOD_CLOSED).
   */
  async decideClaim(claims: Claims | null, id: string, approve: boolean, note?: string | null): Promise<MdfClaimEntity> {
    requireRole(claims, STAFF_ROLES);
    const decisionNote = parseMdfText('note', note, NOTE_MAX, true);
    return this.database.transaction(async (manager) => {
      const claim = await forUpdate(manager.createQueryBuilder(MdfClaimEntity, 'claim').where('claim.id = :id', { id }), this.database.dialect).getOne();
      if (!claim) throw new NotFoundError('MdfClaim', id);
      const status = decideMdf(`MDF claim ${id}`, claim.status, approve);
      const today = this.clock.today();
      if (status === 'APPROVED') {
        const period = quarterOf(today);
        const statement = await forUpdate(
          manager
            .createQueryBuilder(StatementEntity, 'statement')
            .where("statement.payeeKind = 'PARTNER' AND statement.payeeId = :partnerId AND statement.period = :period AND statement.currency = :currency", { partnerId: claim.partnerId, period, currency: claim.currency }),
          this.database.dialect,
        ).getOne();
        if (statement && statement.status !== 'OPEN') {
          throw new DomainError('INCENTIVES.PERIOD_CLOSED', `The ${period} statement of partner ${claim.partnerId} is ${statement.status}; the claim can be approved from the next quarter`, { period, statementId: statement.id });
        }
      }
      claim.status = status;
      claim.decisionNote = decisionNote;
      claim.decidedOn = today;
      await manager.update(MdfClaimEntity, { id }, { status, decisionNote, decidedOn: today });
      return claim;
    });
  }

  async allocation(claims: Claims | null, partnerId: string, period: string): Promise<MdfAllocationEntity | null> {
    assertCanRead(claims, partnerId, `the MDF of partner ${partnerId}`);
    return this.database.dataSource.manager.findOneBy(MdfAllocationEntity, { partnerId, period: parseQuarter('period', period) });
  }

  async allocationsOf(claims: Claims | null, partnerId: string): Promise<MdfAllocationEntity[]> {
    assertCanRead(claims, partnerId, `the MDF of partner ${partnerId}`);
    return this.database.dataSource.manager.find(MdfAllocationEntity, { where: { partnerId }, order: { period: 'ASC' } });
  }

  async requestsOf(claims: Claims | null, allocationId: string): Promise<MdfRequestEntity[]> {
    requireClaims(claims);
    const manager = this.database.dataSource.manager;
    const allocation = await manager.findOneBy(MdfAllocationEntity, { id: allocationId });
    if (!allocation) throw new NotFoundError('MdfAllocation', allocationId);
    assertCanRead(claims, allocation.partnerId, `MDF allocation ${allocationId}`);
    return manager.find(MdfRequestEntity, { where: { allocationId }, order: { requestedAt: 'ASC', id: 'ASC' } });
  }

  async claimsOf(claims: Claims | null, requestId: string): Promise<MdfClaimEntity[]> {
    requireClaims(claims);
    const manager = this.database.dataSource.manager;
    const request = await manager.findOneBy(MdfRequestEntity, { id: requestId });
    if (!request) throw new NotFoundError('MdfRequest', requestId);
    assertCanRead(claims, request.partnerId, `MDF request ${requestId}`);
    return manager.find(MdfClaimEntity, { where: { requestId }, order: { claimedAt: 'ASC', id: 'ASC' } });
  }

  /** What is left to request on an allocation the caller has already been allowed to read. */
  async remaining(allocation: MdfAllocationEntity): Promise<bigint> {
    return remainingMdf(allocation.amount, await this.heldBy(this.database.dataSource.manager, allocation.id));
  }

  private lockAllocation(manager: EntityManager, partnerId: string, period: string): Promise<MdfAllocationEntity | null> {
    return forUpdate(manager.createQueryBuilder(MdfAllocationEntity, 'allocation').where('allocation.partnerId = :partnerId AND allocation.period = :period', { partnerId, period }), this.database.dialect).getOne();
  }

  /** The allocation's pending and approved requests: what they hold of it. */
  private async heldBy(manager: EntityManager, allocationId: string) {
    const requests = await manager.find(MdfRequestEntity, { select: { status: true, amount: true }, where: { allocationId, status: Not('REJECTED') } });
    return requests.map((request) => ({ status: request.status, amountMinor: request.amount }));
  }
}

/** The partner itself or staff. */
function assertActsFor(claims: Claims | null, partnerId: string, what: string): Claims {
  const caller = requireClaims(claims);
  if (STAFF_ROLES.includes(caller.role)) return caller;
  if (caller.role === 'partner' && caller.partnerId === partnerId) return caller;
  throw new ForbiddenError(`You may not act on ${what}`);
}

/** Staff and BI read every partner's MDF; a partner only its own. */
function assertCanRead(claims: Claims | null, partnerId: string, what: string): Claims {
  const caller = requireClaims(claims);
  if (!canReadPartner(caller, partnerId)) throw new ForbiddenError(`You may not read ${what}`);
  return caller;
}
