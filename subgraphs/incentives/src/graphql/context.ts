import type { Claims } from '@hub/auth';
import type { ParkedEventsService } from '@hub/events';
import type { JobRunner, JobStore } from '@hub/jobs';
import type { IncentivesLoaders } from '../loaders/incentives.loaders';
import type { DealIncentivesService } from '../services/deal-incentives.service';
import type { MdfService } from '../services/mdf.service';
import type { MetricsService } from '../services/metrics.service';
import type { ProgramMetricsService } from '../services/program-metrics.service';
import type { RulesService } from '../services/rules';
import type { SimulationService } from '../services/simulation.service';
import type { StandingService } from '../services/standing.service';
import type { StatementsService } from '../services/statements.service';

export interface IncentivesContext {
  claims: Claims | null;
  loaders: IncentivesLoaders;
  statements: StatementsService;
  deals: DealIncentivesService;
  standing: StandingService;
  mdf: MdfService;
  rules: RulesService;
  simulation: SimulationService;
  metrics: MetricsService;
  programMetrics: ProgramMetricsService;
  jobs: { store: JobStore; runner: JobRunner };
  /** What incentives' consumers parked. */
  parked: ParkedEventsService;
}
