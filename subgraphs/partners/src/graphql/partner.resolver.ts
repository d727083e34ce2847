import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DateScalar, PageArgs, pageRequest, toConnection } from '@hub/graphql-kit';
import { READ_ALL_ROLES, requireRole } from '@hub/auth';
import { parseIsoDate } from '@hub/domain';
import type { PartnerEntity } from '../entities';
import type { PartnersContext } from './context';
import { CreatePartnerInput, PartnerFilter, ReviewInput, UpdatePartnerInput } from './inputs';
import {
  DistributorType,
  PartnerConnection,
  PartnerType,
  PersonType,
  ProgramType,
  ReviewType,
  SpecializationType,
  TierAssignmentType,
  TierType,
} from './types';

@Resolver(() => PartnerType)
export class PartnerResolver {
  @Query(() => PartnerType, { nullable: true })
  async partner(@Arg('id', () => ID) id: string, @Ctx() ctx: PartnersContext) {
    return ctx.services.partners.get(ctx.claims, id, ctx.loaders);
  }

  // Nullable, as every list a portal page asks for beside others: partners down costs this field, not the page.
  @Query(() => PartnerConnection, { nullable: true })
  async partners(
    @Arg('filter', () => PartnerFilter, { nullable: true }) filter: PartnerFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: PartnersContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const asked = (...path: string[]) => info.fieldNodes.some((node) => selects(node.selectionSet, path, info));
    const nodeFields = new Set(info.fieldNodes.flatMap((node) => fieldsAt(node.selectionSet, ['edges', 'node'], info)));
    const listed = await ctx.services.partners.list(ctx.claims, filter ?? {}, pageRequest(page), {
      countTotal: asked('totalCount'),
      columns: PARTNER_COLUMNS.filter((column) => nodeFields.has(column)),
      tierOn: nodeFields.has('tier') ? ctx.clock.today() : undefined,
      distributors: nodeFields.has('distributors'),
    });
    await ctx.services.partners.prefetchPage(listed.nodes, ctx.loaders, { distributors: nodeFields.has('distributors') });
    return toConnection(listed);
  }

  @Mutation(() => PartnerType)
  async createPartner(@Arg('input', () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() ctx: PartnersContext) {
    return ctx.services.partners.create(ctx.claims, input);
  }

  @Mutation(() => PartnerType)
  async updatePartner(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePartnerInput) input: UpdatePartnerInput,
    @Ctx() ctx: PartnersContext,
  ) {
    return ctx.services.partners.update(ctx.claims, id, input);
  }

  @Mutation(() => PartnerType, { description: 'Effective-dated: the history keeps every assignment.' })
  async assignTier(
    @Arg('partnerId', () => ID) partnerId: string,
    @Arg('tierCode', () => String) tierCode: string,
    @Arg('effectiveFrom', () => DateScalar) effectiveFrom: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: PartnersContext,
  ) {
    return ctx.services.tiers.assignTier(ctx.claims, partnerId, tierCode, effectiveFrom, reason);
  }

  @Mutation(() => ReviewType)
  async recordReview(@Arg('partnerId', () => ID) partnerId: string, @Arg('input', () => ReviewInput) input: ReviewInput, @Ctx() ctx: PartnersContext) {
    return ctx.services.reviews.record(ctx.claims, partnerId, input);
  }

  // program, tier and distributors answer synchronously where a list already read them (a page).
  @FieldResolver(() => ProgramType)
  program(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.reference.current()?.programs.get(partner.programCode) ?? ctx.loaders.program.load(partner.programCode);
  }

  @FieldResolver(() => TierType, { description: 'The tier in force today.' })
  tier(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    const listed = ctx.loaders.page.tier.get(partner.id);
    return listed !== undefined ? listed : ctx.services.partners.tierOn(partner, ctx.clock.today(), ctx.loaders);
  }

  @FieldResolver(() => TierType, { nullable: true, description: 'The tier in force on a given date.' })
  async tierOn(@Root() partner: PartnerEntity, @Arg('date', () => DateScalar) date: string, @Ctx() ctx: PartnersContext) {
    return ctx.services.partners.tierOn(partner, parseIsoDate('date', date), ctx.loaders);
  }

  @FieldResolver(() => [TierAssignmentType], { description: 'Every assignment, oldest effective date first.' })
  async tierHistory(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.tierAssignmentsByPartner.load(partner.id);
  }

  @FieldResolver(() => [DistributorType])
  distributors(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.page.distributors.get(partner.id) ?? ctx.services.partners.distributorsOf(partner.id, ctx.loaders);
  }

  @FieldResolver(() => [PersonType])
  async people(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    return ctx.loaders.peopleByPartner.load(partner.id);
  }

  @FieldResolver(() => Int, { description: 'Distinct people with at least one valid certification on the date (default today).' })
  async certifiedStaffCount(
    @Root() partner: PartnerEntity,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: PartnersContext,
  ) {
    return ctx.services.partners.certifiedStaffCount(partner.id, asOf ? parseIsoDate('asOf', asOf) : ctx.clock.today(), ctx.loaders);
  }

  @FieldResolver(() => [SpecializationType], { description: 'Specializations earned on the date (default today).' })
  async specializations(
    @Root() partner: PartnerEntity,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: PartnersContext,
  ) {
    return ctx.services.partners.specializationsOn(partner, asOf ? parseIsoDate('asOf', asOf) : ctx.clock.today(), ctx.loaders);
  }

  @FieldResolver(() => [ReviewType], { description: 'Formal reviews, newest first. Vendor-internal: staff and BI only.' })
  async reviews(@Root() partner: PartnerEntity, @Ctx() ctx: PartnersContext) {
    requireRole(ctx.claims, READ_ALL_ROLES);
    return ctx.loaders.reviewsByPartner.load(partner.id);
  }
}

/** Partner fields that are columns of the partner table, each answered from the listed row. */
const PARTNER_COLUMNS = ['id', 'name', 'country', 'status', 'segmentFocus', 'businessModels', 'channelManager', 'createdAt', 'updatedAt'] as const satisfies readonly (keyof PartnerEntity)[];

/** The names of the fields a selection set asks for at `path`, e.g. edges → node (directly or in fragments). */
function fieldsAt(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo): string[] {
  const [name, ...rest] = path;
  return (selectionSet?.selections ?? []).flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      if (name === undefined) return [selection.name.value];
      return selection.name.value === name ? fieldsAt(selection.selectionSet, rest, info) : [];
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsAt(selection.selectionSet, path, info);
    return fieldsAt(info.fragments[selection.name.value]?.selectionSet, path, info);
  });
}

/** Whether a selection set asks for the field at `path`, e.g. edges → node → tier (directly or in fragments). */
function selects(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo): boolean {
  const [name, ...rest] = path;
  return (selectionSet?.selections ?? []).some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name && (rest.length === 0 || selects(selection.selectionSet, rest, info));
    if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet, path, info);
    return selects(info.fragments[selection.name.value]?.selectionSet, path, info);
  });
}
