import { buildSubgraph, parkedEventsResolver } from '@hub/graphql-kit';
import type { PartnersContext } from './context';
import { AuditEventResolver } from './audit-event.resolver';
import { PartnerResolver } from './partner.resolver';
import { CertificationResolver, PersonResolver, TierAssignmentResolver } from './person.resolver';
import { ProgramAdminResolver } from './program-admin.resolver';
import { ProgramResolver, TierResolver } from './program.resolver';
import { partnersReferenceResolvers } from './references';

const ParkedEventsResolver = parkedEventsResolver<PartnersContext>('partners', (context) => ({ claims: context.claims, parked: context.services.parked }));

export function buildPartnersSchema() {
  return buildSubgraph({
    resolvers: [ProgramResolver, ProgramAdminResolver, TierResolver, PartnerResolver, PersonResolver, CertificationResolver, TierAssignmentResolver, AuditEventResolver, ParkedEventsResolver],
    referenceResolvers: partnersReferenceResolvers as never,
  });
}
