import type { Claims } from '@hub/auth';
import type { JobEntity, JobRunner, PagedWork } from '@hub/jobs';
import { parseMonth } from '../domain';
import type { UsageService } from './usage.service';

export const USAGE_MONTH_JOB = 'usage-month';

/** Closing a month as a job: its subject is the month, its pages pages of providers. */
export function usageMonthWork(usage: UsageService): PagedWork<string[]> {
  return {
    plan: (job) => usage.planIssue(parseMonth('month', job.subject)),
    page: async (job, partnerIds, commit) => {
      await usage.issuePage(parseMonth('month', job.subject), partnerIds, undefined, commit);
    },
  };
}

/**
 * `closeUsageMonth(month)`: staff, for an ended month. Answers at once with the queued job, or
 * with the month's job already queued or running.
 */
export function startUsageMonthJob(runner: JobRunner, usage: UsageService, claims: Claims | null, monthInput: string): Promise<JobEntity> {
  const { month, requestedBy } = usage.closableMonth(claims, monthInput);
  return runner.submit(USAGE_MONTH_JOB, month, requestedBy);
}
