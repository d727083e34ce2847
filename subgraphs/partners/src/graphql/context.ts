import type { Claims } from '@hub/auth';
import type { ParkedEventsService } from '@hub/events';
import type { AuditEventsService } from '../services/audit-events.service';
import type { PartnersLoaders } from '../loaders/partners.loaders';
import type { Clock } from '@hub/domain';
import type { PartnersService } from '../services/partners.service';
import type { PeopleService } from '../services/people.service';
import type { ProgramsService } from '../services/programs.service';
import type { ReviewsService } from '../services/reviews.service';
import type { TiersService } from '../services/tiers.service';

export interface PartnersServices {
  partners: PartnersService;
  tiers: TiersService;
  programs: ProgramsService;
  people: PeopleService;
  reviews: ReviewsService;
  audit: AuditEventsService;
  /** What the audit-trail consumer parked. */
  parked: ParkedEventsService;
}

export interface PartnersContext {
  claims: Claims | null;
  loaders: PartnersLoaders;
  services: PartnersServices;
  clock: Clock;
}
