import 'reflect-metadata';
import { Arg, Args, Ctx, Directive, Field, ID, Int, Mutation, ObjectType, Query, Resolver, type ClassType } from 'type-graphql';
import { requireRole, type Claims } from '@hub/auth';
import type { ParkedEventEntity, ParkedEventsService } from '@hub/events';
import { PageArgs, PageInfo, pageRequest, toConnection, type ConnectionShape } from './connection';
import { DateTimeScalar } from './scalars';

/*
 * Each subgraph keeps its own parked events in its own database, and a root field is resolved
 * by one subgraph only, so each subgraph gets its own pair of root fields from this one factory
 * (`dealsParkedEvents`, `retryDealsParkedEvent`, …). The types they return are the same value
 * types in every subgraph, hence shareable.
 */

@Directive('@shareable')
@ObjectType('ParkedEvent', { description: 'An event a consumer could not apply (its payload failed the event catalogue, or its version is unknown to the consumer), kept for staff to retry.' })
export class ParkedEventType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'The consumer group that parked it, e.g. incentives.ledger.' })
  consumer: string;

  @Field(() => ID)
  eventId: string;

  @Field(() => String)
  type: string;

  @Field(() => Int)
  version: number;

  @Field(() => String, { description: 'The whole envelope as delivered, as JSON text.' })
  envelope: string;

  @Field(() => String, { description: 'Why it was parked, or why the latest retry failed.' })
  reason: string;

  @Field(() => DateTimeScalar)
  parkedAt: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a retry applied it; null while it waits.' })
  retriedAt: Date | null;
}

@Directive('@shareable')
@ObjectType('ParkedEventEdge')
class ParkedEventEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => ParkedEventType)
  node: ParkedEventType;
}

@Directive('@shareable')
@ObjectType('ParkedEventConnection')
class ParkedEventConnection {
  @Field(() => [ParkedEventEdge])
  edges: ParkedEventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

/** Where the factory's resolvers find the caller and the subgraph's parked events in its context. */
export type ParkedEventsAccess<C> = (context: C) => { claims: Claims | null; parked: ParkedEventsService };

/** Listing and retrying are operations work on another subgraph's bad data: vendor admins only. */
const ADMIN = ['vendor_admin'] as const;

/**
 * The resolver of `<subgraph>ParkedEvents(pending, first, after)` and
 * `retry<Subgraph>ParkedEvent(id)` for one subgraph. The retry runs in a transaction inside the
 * mutation's audit scope, so it is audited like every other mutation.
 */
export function parkedEventsResolver<C>(subgraph: string, access: ParkedEventsAccess<C>): ClassType {
  const title = subgraph.charAt(0).toUpperCase() + subgraph.slice(1);

  @Resolver()
  class ParkedEventsResolver {
    @Query(() => ParkedEventConnection, {
      name: `${subgraph}ParkedEvents`,
      description: `The events the ${subgraph} subgraph's consumers parked, oldest first; vendor admins only.`,
    })
    async list(
      @Arg('pending', () => Boolean, { nullable: true, description: 'true: only those waiting for a retry; false: only retried ones.' }) pending: boolean | null,
      @Args(() => PageArgs) page: PageArgs,
      @Ctx() context: C,
    ): Promise<ConnectionShape<ParkedEventEntity>> {
      const { claims, parked } = access(context);
      requireRole(claims, ADMIN);
      return toConnection(await parked.list({ pending }, pageRequest(page)));
    }

    @Mutation(() => ParkedEventType, {
      name: `retry${title}ParkedEvent`,
      description: `Runs a parked event through its ${subgraph} consumer's current handler, once; EVENTS.STILL_PARKED if it still fails (the reason is updated), EVENTS.ALREADY_RETRIED if a retry applied it before. Vendor admins only.`,
    })
    async retry(@Arg('id', () => ID) id: string, @Ctx() context: C): Promise<ParkedEventEntity> {
      const { claims, parked } = access(context);
      requireRole(claims, ADMIN);
      return parked.retry(id);
    }
  }

  return ParkedEventsResolver;
}
