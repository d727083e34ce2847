import 'reflect-metadata';
import { Directive, Field, ObjectType } from 'type-graphql';
import { formatAmount } from '@hub/domain';

// A value type every subgraph returns, so it is shareable in the supergraph.
@Directive('@shareable')
@ObjectType('Money', { description: 'An exact amount: `amount` is a decimal string with the currency\'s minor digits.' })
export class MoneyType {
  @Field(() => String, { description: 'Exact decimal, e.g. "3925.50"; never a float.' })
  amount: string;

  @Field(() => String, { description: 'ISO 4217 code.' })
  currency: string;
}

export function toMoney(minor: bigint, currency: string): MoneyType {
  return Object.assign(new MoneyType(), { amount: formatAmount(minor, currency), currency });
}
