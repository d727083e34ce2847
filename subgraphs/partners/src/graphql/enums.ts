import { registerEnumType } from 'type-graphql';
import { BUSINESS_MODELS, PARTNER_STATUSES, REVIEW_FINDINGS, REVIEW_OUTCOMES, SEGMENTS } from '../domain';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const PartnerStatusEnum = enumOf(PARTNER_STATUSES);
export const SegmentEnum = enumOf(SEGMENTS);
export const BusinessModelEnum = enumOf(BUSINESS_MODELS);
export const CertificationKindEnum = enumOf(['SALES', 'TECHNICAL'] as const);
export const ReviewOutcomeEnum = enumOf(REVIEW_OUTCOMES);
export const ReviewFindingEnum = enumOf(REVIEW_FINDINGS);

registerEnumType(PartnerStatusEnum, { name: 'PartnerStatus' });
registerEnumType(SegmentEnum, { name: 'Segment', description: 'SMB: 2–500 seats; ENTERPRISE: over 500.' });
registerEnumType(BusinessModelEnum, { name: 'BusinessModel' });
registerEnumType(CertificationKindEnum, { name: 'CertificationKind' });
registerEnumType(ReviewOutcomeEnum, { name: 'ReviewOutcome' });
registerEnumType(ReviewFindingEnum, { name: 'ReviewFinding' });
