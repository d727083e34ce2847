import type { Claims } from '@hub/auth';
import { newId, type Database } from '@hub/db';
import { type Clock, InvalidInputError, NotFoundError, parseIsoDate } from '@hub/domain';
import { decideReview, optionalText, type ReviewFinding, type ReviewOutcome } from '../domain';
import { PartnerEntity, ProgramEntity, ReviewEntity, TierEntity } from '../entities';
import { requireStaff } from './access';
import { partnerEvents } from './partner-events';
import type { TiersService } from './tiers.service';

export interface ReviewInput {
  outcome: ReviewOutcome;
  findings: string[];
  reviewedOn?: string | null;
  note?: string | null;
  newTierCode?: string | null;
  effectiveFrom?: string | null;
}

export class ReviewsService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly tiers: TiersService,
  ) {}

  /** Records the review and applies its outcome (status, downgrade) in one transaction. */
  async record(claims: Claims | null, partnerId: string, input: ReviewInput): Promise<ReviewEntity> {
    const caller = requireStaff(claims);
    const reviewedOn = input.reviewedOn ? parseIsoDate('reviewedOn', input.reviewedOn) : this.clock.today();
    const effectiveFrom = input.effectiveFrom ? parseIsoDate('effectiveFrom', input.effectiveFrom) : null;
    const note = optionalText('note', input.note, 2000);
    const decision = decideReview({ outcome: input.outcome, findings: input.findings, newTierCode: input.newTierCode, effectiveFrom });
    return this.database.transaction(async (manager) => {
      const partner = await manager.findOneBy(PartnerEntity, { id: partnerId });
      if (!partner) throw new NotFoundError('Partner', partnerId);
      if (decision.downgrade) {
        const program = await manager.findOneByOrFail(ProgramEntity, { code: partner.programCode });
        const tier = await manager.findOneBy(TierEntity, { programCode: program.code, code: decision.downgrade.tierCode });
        if (!tier) throw new InvalidInputError('newTierCode', `${program.code} has no tier "${decision.downgrade.tierCode}"`);
        await this.tiers.assignWithin(manager, program, partnerId, tier, decision.downgrade.effectiveFrom, `review ${reviewedOn}: downgrade`, caller.sub, {
          mustBeDowngrade: true,
        });
      }
      if (partner.status === 'TERMINATED' && decision.status !== 'TERMINATED') {
        await this.tiers.assertRoomToReturn(manager, await manager.findOneByOrFail(ProgramEntity, { code: partner.programCode }), partnerId, this.clock.today());
      }
      partner.status = decision.status;
      partner.updatedAt = this.clock.now();
      await manager.save(PartnerEntity, partner);
      await partnerEvents.partnerSaved(manager, 'partner.changed', partner, partner.updatedAt);
      const review = manager.create(ReviewEntity, {
        id: newId(),
        partnerId,
        reviewedOn,
        outcome: input.outcome,
        findings: [...new Set(input.findings)] as ReviewFinding[],
        note,
        newTierCode: decision.downgrade?.tierCode ?? null,
        effectiveFrom: decision.downgrade?.effectiveFrom ?? null,
        reviewedBy: caller.sub,
        createdAt: this.clock.now(),
      });
      await manager.insert(ReviewEntity, review);
      return review;
    });
  }
}
