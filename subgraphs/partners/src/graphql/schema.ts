import { buildSubgraph } from '@hub/graphql-kit';
import { AuditEventResolver } from './audit-event.resolver';
import { PartnerResolver } from './partner.resolver';
import { CertificationResolver, PersonResolver, TierAssignmentResolver } from './person.resolver';
import { ProgramResolver, TierResolver } from './program.resolver';
import { partnersReferenceResolvers } from './references';

export function buildPartnersSchema() {
  return buildSubgraph({
    resolvers: [ProgramResolver, TierResolver, PartnerResolver, PersonResolver, CertificationResolver, TierAssignmentResolver, AuditEventResolver],
    referenceResolvers: partnersReferenceResolvers as never,
  });
}
