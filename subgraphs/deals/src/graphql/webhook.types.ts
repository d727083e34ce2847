import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, DateTimeScalar } from '@hub/graphql-kit';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../domain/webhooks';

export const WebhookDeliveryStatusEnum = Object.fromEntries(WEBHOOK_DELIVERY_STATUSES.map((s) => [s, s])) as { [K in WebhookDeliveryStatus]: K };

registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING until a 2xx answer (DELIVERED) or the last retry failed or the endpoint was disabled (FAILED).',
});

@ObjectType('WebhookEndpoint', { description: 'Where a distributor receives the events it acts on (its deals, licences, usage statements and own incentive statements), POSTed as signed JSON.' })
export class WebhookEndpointType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  url: string;

  @Field(() => Boolean, { description: 'False once disabled: nothing more is sent to it.' })
  active: boolean;

  @Field(() => DateTimeScalar)
  createdAt: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'After a rotation, until when the previous secret also signs deliveries.' })
  previousSecretExpiresAt: Date | null;
}

@ObjectType('WebhookRegistration')
export class WebhookRegistrationType {
  @Field(() => WebhookEndpointType)
  endpoint: WebhookEndpointType;

  @Field(() => String, {
    description:
      'Signs every delivery (x-hub-signature: sha256=HMAC-SHA256(secret, "<x-hub-timestamp>.<body>"); during a rotation\'s overlap, the values of both secrets separated by ", "). Shown only here, once: keep it.',
  })
  secret: string;
}

@ObjectType('WebhookAttempt', { description: 'One POST of a delivery.' })
export class WebhookAttemptType {
  @Field(() => ID)
  id: string;

  @Field(() => DateTimeScalar)
  attemptedAt: Date;

  @Field(() => Int, { nullable: true, description: 'The receiver\'s HTTP status; null when it did not answer.' })
  statusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the attempt failed; null when delivered.' })
  error: string | null;

  @Field(() => Int)
  durationMs: number;
}

@ObjectType('WebhookDelivery', { description: 'One event on its way to one endpoint, with every attempt.' })
export class WebhookDeliveryType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The event id, also sent as `id` and `x-hub-event-id`.' })
  eventId: string;

  @Field(() => String, { description: 'e.g. deal.won, license.expiring' })
  eventType: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status: WebhookDeliveryStatus;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt is due while PENDING.' })
  nextAttemptAt: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt: Date | null;

  @Field(() => DateTimeScalar)
  createdAt: Date;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true })
  endpointId?: string | null;

  @Field(() => ID, { nullable: true })
  eventId?: string | null;

  @Field(() => WebhookDeliveryStatusEnum, { nullable: true })
  status?: WebhookDeliveryStatus | null;
}

export const WebhookDeliveryConnection = connectionType('WebhookDelivery', WebhookDeliveryType);
