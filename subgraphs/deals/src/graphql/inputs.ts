import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '@hub/graphql-kit';
import type { DealStatus, Segment } from '../domain';
import type { DealType } from '../entities/deal.entity';
import { DealEventKindEnum, DealSegmentEnum, DealStatusEnum, DealTypeEnum } from './enums';
import type { DealEventKind } from '../services/deal-events';

@InputType()
export class EndCustomerInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  country: string;

  @Field(() => String, { nullable: true })
  domain?: string | null;
}

@InputType()
export class DealLineInput {
  @Field(() => String)
  sku: string;

  @Field(() => Int)
  seats: number;

  @Field(() => String, { description: 'Recommended partner buy price per seat, an exact decimal ("19.99").' })
  unitPrice: string;
}

@InputType()
export class RegisterDealInput {
  @Field(() => ID)
  partnerId: string;

  @Field(() => ID, { nullable: true })
  distributorId?: string | null;

  @Field(() => ID, { nullable: true })
  referringPartnerId?: string | null;

  @Field(() => EndCustomerInput)
  endCustomer: EndCustomerInput;

  @Field(() => DealTypeEnum)
  type: DealType;

  @Field(() => String, {
    nullable: true,
    description: 'The product line of the lines\' SKUs (one per deal). Taken from the lines when left out; when given, it must be theirs.',
  })
  productLine?: string | null;

  @Field(() => [DealLineInput], { description: 'Term SKUs of the catalog, all of one product line; codes are matched ignoring case.' })
  lines: DealLineInput[];

  @Field(() => DateScalar)
  expectedCloseDate: string;
}

@InputType()
export class DealFilter {
  @Field(() => [DealStatusEnum], { nullable: true })
  status?: DealStatus[] | null;

  @Field(() => ID, { nullable: true })
  partnerId?: string | null;

  @Field(() => ID, { nullable: true })
  distributorId?: string | null;

  @Field(() => DealTypeEnum, { nullable: true })
  type?: DealType | null;

  @Field(() => DealSegmentEnum, { nullable: true })
  segment?: Segment | null;

  @Field(() => String, { nullable: true })
  productLine?: string | null;

  @Field(() => DateScalar, { nullable: true })
  registeredFrom?: string | null;

  @Field(() => DateScalar, { nullable: true })
  registeredTo?: string | null;

  @Field(() => DateScalar, { nullable: true })
  expectedCloseFrom?: string | null;

  @Field(() => DateScalar, { nullable: true })
  expectedCloseTo?: string | null;

  @Field(() => DateScalar, { nullable: true })
  closedFrom?: string | null;

  @Field(() => DateScalar, { nullable: true })
  closedTo?: string | null;
}

@InputType({ description: 'Narrows a deal feed; what the caller may read always applies on top.' })
export class DealEventFilter {
  @Field(() => ID, { nullable: true, description: 'Events of deals this partner registered or referred.' })
  partnerId?: string | null;

  @Field(() => ID, { nullable: true })
  distributorId?: string | null;

  @Field(() => ID, { nullable: true })
  dealId?: string | null;

  @Field(() => [DealEventKindEnum], { nullable: true })
  kinds?: DealEventKind[] | null;
}
