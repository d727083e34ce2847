import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { parseIsoDate } from '@hub/domain';
import { isValidOn } from '../domain';
import type { CertificationEntity, PersonEntity, TierAssignmentEntity } from '../entities';
import type { PartnersContext } from './context';
import { CertificationInput, PersonInput } from './inputs';
import { DateScalar } from '@hub/graphql-kit';
import { CertificationType, PersonType, TierAssignmentType, TierType } from './types';

@Resolver(() => PersonType)
export class PersonResolver {
  @Mutation(() => PersonType)
  async addPerson(@Arg('partnerId', () => ID) partnerId: string, @Arg('input', () => PersonInput) input: PersonInput, @Ctx() ctx: PartnersContext) {
    return ctx.services.people.addPerson(ctx.claims, partnerId, input);
  }

  @Mutation(() => CertificationType)
  async addCertification(
    @Arg('personId', () => ID) personId: string,
    @Arg('input', () => CertificationInput) input: CertificationInput,
    @Ctx() ctx: PartnersContext,
  ) {
    return ctx.services.people.addCertification(ctx.claims, personId, input);
  }

  @FieldResolver(() => [CertificationType])
  async certifications(@Root() person: PersonEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.certificationsByPerson.load(person.id);
  }
}

@Resolver(() => CertificationType)
export class CertificationResolver {
  @FieldResolver(() => Boolean, { description: 'Valid on the date (default today).' })
  validOn(
    @Root() certification: CertificationEntity,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null,
    @Ctx() ctx: PartnersContext,
  ): boolean {
    return isValidOn(certification, date ? parseIsoDate('date', date) : ctx.clock.today());
  }
}

@Resolver(() => TierAssignmentType)
export class TierAssignmentResolver {
  @FieldResolver(() => TierType)
  async tier(@Root() assignment: TierAssignmentEntity, @Ctx() ctx: PartnersContext) {
    const partner = await ctx.loaders.partner.load(assignment.partnerId);
    return ctx.loaders.tier.load(`${partner?.programCode}:${assignment.tierCode}`);
  }
}
