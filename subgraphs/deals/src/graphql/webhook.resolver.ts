import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, pageRequest, toConnection } from '@hub/graphql-kit';
import { eventTypeNames, type WebhookEventTypeName } from '../domain/webhooks';
import type { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import type { WebhookEndpointEntity } from '../entities/webhook-endpoint.entity';
import type { DealsContext } from './context';
import { WebhookEventTypeEnum } from './enums';
import { DistributorStub } from './types';
import {
  WebhookAttemptType,
  WebhookDeliveryConnection,
  WebhookDeliveryFilter,
  WebhookDeliveryType,
  WebhookEndpointType,
  WebhookRegistrationType,
} from './webhook.types';

@Resolver(() => WebhookEndpointType)
export class WebhookEndpointResolver {
  @Query(() => [WebhookEndpointType], { description: 'A distributor\'s own endpoints; staff and BI see all, or one distributor\'s (BI with user, password and query values hidden in each URL).' })
  webhookEndpoints(@Arg('distributorId', () => ID, { nullable: true }) distributorId: string | null, @Ctx() ctx: DealsContext) {
    return ctx.webhooks.endpoints(ctx.claims, distributorId);
  }

  @Mutation(() => WebhookRegistrationType, {
    description: 'Registers an http(s) endpoint for the events of the caller\'s deals, licences, usage statements and own incentive statements (staff name the distributor). Returns the signing secret, this once.',
  })
  registerWebhook(
    @Arg('url', () => String) url: string,
    @Arg('distributorId', () => ID, { nullable: true }) distributorId: string | null,
    @Arg('eventTypes', () => [WebhookEventTypeEnum], { nullable: true, description: 'The events to receive; every type when left out.' }) eventTypes: WebhookEventTypeName[] | null,
    @Ctx() ctx: DealsContext,
  ) {
    return ctx.webhooks.register(ctx.claims, url, distributorId, eventTypes);
  }

  @Mutation(() => WebhookRegistrationType, {
    description:
      'Replaces the endpoint\'s signing secret and returns the new one, this once. For the overlap (24 h by default) deliveries are signed with both, the new first, so the receiver can switch without refusing any.',
  })
  rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.webhooks.rotateSecret(ctx.claims, id);
  }

  @Mutation(() => WebhookDeliveryType, {
    description:
      'Sends the endpoint a signed `webhook.ping` at once (same signature, headers and retries as events) and answers the delivery after its first attempt.',
  })
  testWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.webhooks.test(ctx.claims, id, ctx.webhookDispatcher);
  }

  @Mutation(() => WebhookEndpointType, { description: 'Stops deliveries to the endpoint; pending ones become FAILED.' })
  disableWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: DealsContext) {
    return ctx.webhooks.disable(ctx.claims, id);
  }

  @FieldResolver(() => DistributorStub)
  distributor(@Root() endpoint: WebhookEndpointEntity): DistributorStub {
    return { id: endpoint.distributorId };
  }

  @FieldResolver(() => [WebhookEventTypeEnum], { description: 'The event types it receives: those named at registration, or every type.' })
  eventTypes(@Root() endpoint: WebhookEndpointEntity): WebhookEventTypeName[] {
    return eventTypeNames(endpoint.eventTypes);
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @Query(() => WebhookDeliveryConnection, { description: 'Deliveries to the caller\'s endpoints (all, for staff and BI), oldest first.' })
  async webhookDeliveries(
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true }) filter: WebhookDeliveryFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: DealsContext,
  ) {
    return toConnection(await ctx.webhooks.deliveries(ctx.claims, filter ?? {}, pageRequest(page)));
  }

  @FieldResolver(() => WebhookEndpointType)
  async endpoint(@Root() delivery: WebhookDeliveryEntity, @Ctx() ctx: DealsContext) {
    const endpoint = await ctx.loaders.webhookEndpoint.load(delivery.endpointId);
    if (!endpoint) throw new Error(`endpoint ${delivery.endpointId} of delivery ${delivery.id} is missing`);
    return endpoint;
  }

  @FieldResolver(() => Int, { description: 'Attempts made so far.' })
  attemptCount(@Root() delivery: WebhookDeliveryEntity): number {
    return delivery.attempts;
  }

  @FieldResolver(() => [WebhookAttemptType], { description: 'Every attempt, oldest first.' })
  attempts(@Root() delivery: WebhookDeliveryEntity, @Ctx() ctx: DealsContext) {
    return ctx.loaders.attemptsByDelivery.load(delivery.id);
  }
}
