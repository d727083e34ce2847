import { buildSubgraph } from '@hub/graphql-kit';
import { SkuResolver } from './catalog.resolver';
import { LicenseResolver, LicenseTermResolver } from './license.resolver';
import { PartnerLicensesResolver } from './partner.resolver';
import { licensesReferenceResolvers } from './references';
import { MasterLicenseResolver, UsageDeploymentResolver, UsageReportLineResolver, UsageReportResolver, UsageStatementLineResolver, UsageStatementResolver } from './usage.resolver';

export function buildLicensesSchema() {
  return buildSubgraph({
    resolvers: [
      SkuResolver,
      LicenseResolver,
      LicenseTermResolver,
      MasterLicenseResolver,
      UsageDeploymentResolver,
      UsageReportResolver,
      UsageReportLineResolver,
      UsageStatementResolver,
      UsageStatementLineResolver,
      PartnerLicensesResolver,
    ],
    referenceResolvers: licensesReferenceResolvers as never,
  });
}
