import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { PageArgs, pageRequest, toConnection } from '@hub/graphql-kit';
import type { PartnersContext } from './context';
import { AuditEventConnection, AuditEventFilter, AuditEventType } from './audit-event.type';

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, {
    description:
      'Every committed change made through any subgraph, oldest first; vendor admins only. Other subgraphs\' changes arrive through their outbox, normally within a second or two.',
  })
  async auditEvents(
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: PartnersContext,
  ) {
    return toConnection(await ctx.services.audit.list(ctx.claims, filter ?? {}, pageRequest(page)));
  }
}
