import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionType, DateScalar, DateTimeScalar, entityStub, PageInfo } from '@hub/graphql-kit';
import type { CatalogProblem, DealStatus, Segment } from '../domain';
import type { DealType } from '../entities/deal.entity';
import type { DealEventKind } from '../services/deal-events';
import { CatalogProblemEnum, DealEventKindEnum, DealSegmentEnum, DealStatusEnum, DealTypeEnum } from './enums';

/**
 * Owned by the partners subgraph; deals adds `Partner.deals`, and answers `name` from its own
 * projection only where it says so with `@provides` (`DealEvent.deal`).
 */
export const PartnerStub = entityStub('Partner', { external: ['name'] });
export type PartnerStub = InstanceType<typeof PartnerStub>;

export const DistributorStub = entityStub('Distributor');
export type DistributorStub = InstanceType<typeof DistributorStub>;

@ObjectType('EndCustomer')
export class EndCustomerType {
  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  country: string;

  @Field(() => String, { nullable: true })
  domain: string | null;
}

@ObjectType('DealLine')
export class DealLineType {
  @Field(() => String)
  sku: string;

  @Field(() => Int)
  seats: number;
}

@Directive('@key(fields: "id")')
@ObjectType('Deal')
export class DealType_ {
  @Field(() => ID)
  id: string;

  @Field(() => DealTypeEnum)
  type: DealType;

  @Field(() => String)
  productLine: string;

  @Field(() => DealSegmentEnum, { description: 'Derived from seats: over 500 is ENTERPRISE.' })
  segment: Segment;

  @Field(() => Int, { description: 'Sum of the lines\' seats.' })
  seats: number;

  @Field(() => DealStatusEnum)
  status: DealStatus;

  @Field(() => DateScalar)
  expectedCloseDate: string;

  @Field(() => DateTimeScalar)
  registeredAt: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  approvedAt: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day the approval is valid.' })
  expiresAt: string | null;

  @Field(() => DateScalar, { nullable: true })
  closedAt: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected, lost or reversed.' })
  reason: string | null;
}

@ObjectType('DealEvent')
export class DealEventType {
  @Field(() => ID, { description: 'The event id; receivers can dedupe on it.' })
  id: string;

  @Field(() => DealEventKindEnum)
  kind: DealEventKind;

  // The partner's name comes with the event (deals' projection, kept current by partners'
  // events), so a subscriber's update needs no call to partners: fan-out does not grow with it.
  @Directive('@provides(fields: "partner { name }")')
  @Field(() => DealType_)
  deal: DealType_;

  @Field(() => DateTimeScalar)
  at: Date;
}

export const DealConnection = connectionType('Deal', DealType_);

@ObjectType('DealEventEdge')
export class DealEventEdge {
  @Field(() => String, { description: "The event's id: pass it as `after` (here or to `dealUpdated`) to continue after it." })
  cursor: string;

  @Field(() => DealEventType)
  node: DealEventType;
}

@ObjectType('DealEventConnection', { description: 'The deal feed in commit order. It keeps DEAL_FEED_RETENTION (30 days by default); a cursor older than that answers CURSOR_EXPIRED.' })
export class DealEventConnection {
  @Field(() => [DealEventEdge])
  edges: DealEventEdge[];

  @Field(() => PageInfo, { description: 'hasNextPage: more events had been committed when this page was read. endCursor: the last event of the page, or the `after` given when the page is empty (poll again with it).' })
  pageInfo: PageInfo;
}

@ObjectType('DealLineOutsideCatalog')
export class DealLineOutsideCatalogType {
  @Field(() => Int, { description: 'The line\'s place in the deal, from 0 (as in `lines[i]`).' })
  position: number;

  @Field(() => String)
  sku: string;

  @Field(() => CatalogProblemEnum)
  problem: CatalogProblem;
}

@ObjectType('DealOutsideCatalog')
export class DealOutsideCatalogType {
  @Field(() => DealType_)
  deal: DealType_;

  @Field(() => [DealLineOutsideCatalogType], { description: 'Only the lines the catalog does not cover.' })
  lines: DealLineOutsideCatalogType[];
}

export const DealOutsideCatalogConnection = connectionType('DealOutsideCatalog', DealOutsideCatalogType);
