import { registerEnumType } from 'type-graphql';
import { RULE_KINDS, ruleKindModules } from '../domain';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const RuleKindEnum = enumOf(RULE_KINDS);
export const StatementStatusEnum = enumOf(['OPEN', 'APPROVED', 'PAID'] as const);
export const PayeeKindEnum = enumOf(['PARTNER', 'DISTRIBUTOR'] as const);
export const MdfStatusEnum = enumOf(['PENDING', 'APPROVED', 'REJECTED'] as const);

registerEnumType(RuleKindEnum, {
  name: 'IncentiveRuleKind',
  // Each kind says what it pays, from its module in the rule registry.
  valuesConfig: Object.fromEntries(ruleKindModules.map((module) => [module.kind, { description: module.explanation }])),
});
registerEnumType(StatementStatusEnum, { name: 'StatementStatus', description: 'OPEN is recomputed by computeStatements; APPROVED and PAID never change.' });
registerEnumType(PayeeKindEnum, { name: 'PayeeKind' });
registerEnumType(MdfStatusEnum, { name: 'MdfStatus' });

// The partners subgraph's enums, repeated so PartnerFilter means the same everywhere; composition merges identical enums.
export const PartnerStatusEnum = enumOf(['ACTIVE', 'ON_REVIEW', 'TERMINATED'] as const);
export const SegmentEnum = enumOf(['SMB', 'ENTERPRISE'] as const);
registerEnumType(PartnerStatusEnum, { name: 'PartnerStatus' });
registerEnumType(SegmentEnum, { name: 'Segment', description: 'SMB: 2–500 seats; ENTERPRISE: over 500.' });
