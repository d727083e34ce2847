import { registerEnumType } from 'type-graphql';
import { ADD_ONS, BILLING_KINDS, DEPLOYMENTS, EDITIONS, HOSTINGS, LICENSE_STATUSES } from '../domain';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const EditionEnum = enumOf(EDITIONS);
export const AddOnEnum = enumOf(ADD_ONS);
export const DeploymentEnum = enumOf(DEPLOYMENTS);
export const BillingKindEnum = enumOf(BILLING_KINDS);
export const HostingEnum = enumOf(HOSTINGS);
export const LicenseStatusEnum = enumOf(LICENSE_STATUSES);
export const TermKindEnum = enumOf(['INITIAL', 'RENEWAL'] as const);
export const DeploymentStatusEnum = enumOf(['ACTIVE', 'REMOVED', 'REVOKED'] as const);
export const UsageReportStatusEnum = enumOf(['CURRENT', 'SUPERSEDED'] as const);
export const UsageStatementStatusEnum = enumOf(['OPEN', 'ISSUED'] as const);

registerEnumType(EditionEnum, { name: 'Edition' });
registerEnumType(AddOnEnum, { name: 'AddOn', description: 'Enterprise add-ons a SKU may bundle.' });
registerEnumType(DeploymentEnum, { name: 'Deployment', description: 'Where a licence runs; changing it costs nothing.' });
registerEnumType(BillingKindEnum, { name: 'BillingKind', description: 'TERM: bought for a term and renewed. USAGE: reported monthly under a master licence.' });
registerEnumType(HostingEnum, { name: 'Hosting', description: "Where a provider runs a usage deployment: hosted by the provider or on the customer's site." });
registerEnumType(LicenseStatusEnum, { name: 'LicenseStatus' });
registerEnumType(TermKindEnum, { name: 'LicenseTermKind' });
registerEnumType(DeploymentStatusEnum, { name: 'UsageDeploymentStatus', description: 'REMOVED by the provider (billed through that month), REVOKED when the customer moved to another provider.' });
registerEnumType(UsageReportStatusEnum, { name: 'UsageReportStatus', description: 'A resubmission for the month makes the earlier report SUPERSEDED.' });
registerEnumType(UsageStatementStatusEnum, { name: 'UsageStatementStatus', description: 'OPEN while the month accepts reports; ISSUED once it is closed.' });
