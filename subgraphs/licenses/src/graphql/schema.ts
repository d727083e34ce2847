import { buildSubgraph, parkedEventsResolver } from '@hub/graphql-kit';
import { SkuResolver } from './catalog.resolver';
import { LicenseResolver, LicenseTermResolver } from './license.resolver';
import { PartnerLicensesResolver } from './partner.resolver';
import type { LicensesContext } from './context';
import { licensesReferenceResolvers } from './references';
import { UsageSeatsResolver } from './usage-seats.resolver';
import { MasterLicenseResolver, UsageDeploymentResolver, UsageReportLineResolver, UsageReportResolver, UsageStatementLineResolver, UsageStatementResolver } from './usage.resolver';

const ParkedEventsResolver = parkedEventsResolver<LicensesContext>('licenses', (context) => ({ claims: context.claims, parked: context.parked }));

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
      ParkedEventsResolver,
      UsageSeatsResolver,
    ],
    referenceResolvers: licensesReferenceResolvers as never,
  });
}
