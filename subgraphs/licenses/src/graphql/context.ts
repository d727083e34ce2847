import type { Claims } from '@hub/auth';
import type { ParkedEventsService } from '@hub/events';
import type { JobRunner } from '@hub/jobs';
import type { LicensesLoaders } from '../loaders/licenses.loaders';
import type { CatalogService } from '../services/catalog.service';
import type { LicensesService } from '../services/licenses.service';
import type { UsageService } from '../services/usage.service';
import type { UsageSeatsService } from '../services/usage-seats.service';

export interface LicensesContext {
  claims: Claims | null;
  loaders: LicensesLoaders;
  catalog: CatalogService;
  licenses: LicensesService;
  usage: UsageService;
  usageSeats: UsageSeatsService;
  jobRunner: JobRunner;
  /** What licences' consumers parked. */
  parked: ParkedEventsService;
}
