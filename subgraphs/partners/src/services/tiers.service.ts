import { In, type EntityManager } from 'typeorm';
import type { Claims } from '@hub/auth';
import { forUpdate, newId, type Database } from '@hub/db';
import { type Clock, InvalidInputError, type IsoDate, NotFoundError, parseIsoDate } from '@hub/domain';
import { assertDowngradeAllowed, assertTierHasRoom, assignmentOn, inDecisionOrder, PartnersError, requiredText } from '../domain';
import { PartnerEntity, ProgramEntity, TierAssignmentEntity, TierEntity } from '../entities';
import { requireStaff } from './access';
import { partnerEvents } from './partner-events';

export class TiersService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async assignTier(claims: Claims | null, partnerId: string, tierCode: string, effectiveFrom: string, reason: string): Promise<PartnerEntity> {
    const caller = requireStaff(claims);
    const from = parseIsoDate('effectiveFrom', effectiveFrom);
    const why = requiredText('reason', reason, 500);
    return this.database.transaction(async (manager) => {
      const partner = await manager.findOneBy(PartnerEntity, { id: partnerId });
      if (!partner) throw new NotFoundError('Partner', partnerId);
      if (partner.status === 'TERMINATED') {
        throw new PartnersError('PARTNERS.PARTNER_TERMINATED', `${partner.name} is terminated and holds no tier`, { partnerId });
      }
      const program = await manager.findOneByOrFail(ProgramEntity, { code: partner.programCode });
      const tier = await manager.findOneBy(TierEntity, { programCode: program.code, code: tierCode });
      if (!tier) throw new InvalidInputError('tierCode', `${program.code} has no tier "${tierCode}"`);
      await this.assignWithin(manager, program, partnerId, tier, from, why, caller.sub);
      partner.updatedAt = this.clock.now();
      await manager.save(PartnerEntity, partner);
      return partner;
    });
  }

  /**
   * Records an effective-dated assignment inside the caller's transaction, after checking the
   * grace period (no downgrade before the program's date) and the tier's capacity. The tier row
   * is locked first so two concurrent grants cannot both take the last seat.
   */
  async assignWithin(
    manager: EntityManager,
    program: ProgramEntity,
    partnerId: string,
    tier: TierEntity,
    effectiveFrom: IsoDate,
    reason: string,
    assignedBy: string,
    options: { mustBeDowngrade?: boolean } = {},
  ): Promise<TierAssignmentEntity> {
    await forUpdate(manager.createQueryBuilder(TierEntity, 'tier').where('tier.id = :id', { id: tier.id }), this.database.dialect).getOne();
    const ladder = await manager.findBy(TierEntity, { programCode: program.code });
    const rankOf = (code: string) => ladder.find((t) => t.code === code)?.rank;
    const own = await manager.find(TierAssignmentEntity, { where: { partnerId }, order: { effectiveFrom: 'ASC', id: 'ASC' } });
    const inForce = assignmentOn(inDecisionOrder(own), effectiveFrom);
    const rankInForce = inForce ? rankOf(inForce.tierCode) : undefined;
    if (options.mustBeDowngrade && !(rankInForce !== undefined && tier.rank < rankInForce)) {
      throw new InvalidInputError('newTierCode', `${tier.name} is not below the tier in force on ${effectiveFrom}${inForce ? ` (${inForce.tierCode})` : ''}`);
    }
    assertDowngradeAllowed(program, rankInForce, tier.rank, effectiveFrom);

    const assignment = manager.create(TierAssignmentEntity, {
      id: newId(),
      partnerId,
      tierCode: tier.code,
      effectiveFrom,
      reason,
      assignedBy,
      assignedAt: this.clock.now(),
    });
    if (tier.capacity !== null) {
      const history = await this.historyOfHolders(manager, program.code, tier.code);
      assertTierHasRoom(tier, inDecisionOrder(history), { ...assignment, sequence: Number.MAX_SAFE_INTEGER });
    }
    await manager.insert(TierAssignmentEntity, assignment);
    await partnerEvents.tierAssigned(manager, program.code, assignment, assignment.assignedAt);
    return assignment;
  }

  /**
   * A terminated partner does not count against a tier's capacity; bringing it back must find
   * room in the tier it would hold again, as a new grant would.
   */
  async assertRoomToReturn(manager: EntityManager, program: ProgramEntity, partnerId: string, today: IsoDate): Promise<void> {
    const own = await manager.find(TierAssignmentEntity, { where: { partnerId }, order: { effectiveFrom: 'ASC', id: 'ASC' } });
    const inForce = assignmentOn(inDecisionOrder(own), today);
    if (!inForce) return;
    const tier = await manager.findOneByOrFail(TierEntity, { programCode: program.code, code: inForce.tierCode });
    if (tier.capacity === null) return;
    await forUpdate(manager.createQueryBuilder(TierEntity, 'tier').where('tier.id = :id', { id: tier.id }), this.database.dialect).getOne();
    const history = (await this.historyOfHolders(manager, program.code, tier.code)).filter((a) => a.partnerId !== partnerId);
    assertTierHasRoom(tier, inDecisionOrder(history), { partnerId, tierCode: tier.code, effectiveFrom: today, sequence: Number.MAX_SAFE_INTEGER });
  }

  /** Every assignment of the program's partners that ever held, or are due to hold, the tier. */
  private async historyOfHolders(manager: EntityManager, programCode: string, tierCode: string): Promise<TierAssignmentEntity[]> {
    const holders = await manager
      .createQueryBuilder(TierAssignmentEntity, 'ta')
      .select('DISTINCT ta.partnerId', 'partnerId')
      .innerJoin(PartnerEntity, 'partner', 'partner.id = ta.partnerId')
      .where('ta.tierCode = :tierCode AND partner.programCode = :programCode AND partner.status <> :terminated', {
        tierCode,
        programCode,
        terminated: 'TERMINATED',
      })
      .getRawMany<{ partnerId: string }>();
    if (holders.length === 0) return [];
    return manager.find(TierAssignmentEntity, {
      where: { partnerId: In(holders.map((h) => h.partnerId)) },
      order: { effectiveFrom: 'ASC', id: 'ASC' },
    });
  }
}
