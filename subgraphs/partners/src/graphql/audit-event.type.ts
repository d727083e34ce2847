import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { connectionType, DateTimeScalar } from '@hub/graphql-kit';

@ObjectType('AuditEvent', { description: 'One committed change made through the API, in any subgraph.' })
export class AuditEventType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'The subject (`sub`) of the token that made the change.' })
  actor: string;

  @Field(() => String, { description: 'The role the token carried.' })
  role: string;

  @Field(() => String, { description: 'The client\'s operation name, or `(anonymous)`.' })
  operation: string;

  @Field(() => String, { description: 'The mutation field that made the change, e.g. `approveDeal`.' })
  rootField: string;

  @Field(() => [ID], { description: 'Ids of the rows the change wrote (at most 100) and of the aggregates its events name.' })
  targetIds: string[];

  @Field(() => DateTimeScalar)
  at: Date;

  @Field(() => String, { nullable: true, description: 'The request\'s `x-request-id`, or one the subgraph gave it.' })
  requestId: string | null;

  @Field(() => String, { description: 'The subgraph whose database the change was made in.' })
  subgraph: string;
}

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true })
  actor?: string | null;

  @Field(() => String, { nullable: true })
  operation?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'At or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Before this instant.' })
  to?: Date | null;
}

export const AuditEventConnection = connectionType('AuditEvent', AuditEventType);
