import { Entity } from 'typeorm';
import { DistributorRefColumns, PartnerRefColumns } from '@hub/contracts';

/**
 * What deals knows about a partner, kept current from the partners subgraph's events: enough to
 * validate a registration (exists, active, program, currency, distributors) without calling it.
 */
@Entity('partner_ref')
export class PartnerRefEntity extends PartnerRefColumns {}

@Entity('distributor_ref')
export class DistributorRefEntity extends DistributorRefColumns {}
