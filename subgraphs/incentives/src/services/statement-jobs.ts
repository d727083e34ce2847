import type { Claims } from '@hub/auth';
import type { JobEntity, JobRunner, PagedWork } from '@hub/jobs';
import { parseQuarter } from '../domain';
import { requireAdmin } from './access';
import type { StatementsPage, StatementsService } from './statements.service';

export const STATEMENTS_JOB = 'statements';

/** The quarter's statements as a job: its subject is the quarter, its pages pages of payees. */
export function statementsWork(statements: StatementsService): PagedWork<StatementsPage> {
  return {
    plan: (job) => statements.plan(parseQuarter('period', job.subject)),
    page: async (job, page, commit) => {
      await statements.computePage(parseQuarter('period', job.subject), page, commit);
    },
  };
}

/**
 * `computeStatements(period)`: vendor admins only. Answers at once with the queued job, or with
 * the quarter's job already queued or running (computing twice at once would do every page twice).
 */
export function startStatementsJob(runner: JobRunner, claims: Claims | null, periodInput: string): Promise<JobEntity> {
  const caller = requireAdmin(claims);
  return runner.submit(STATEMENTS_JOB, parseQuarter('period', periodInput), caller.sub);
}
