import { requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { NotFoundError } from '@hub/domain';
import { isFinished, type JobEntity } from './job.entity';
import type { JobStore } from './job-store';

/**
 * Jobs are staff work (statements, closing a usage month): staff read any job, everyone else is
 * refused before the lookup, so a job id proves nothing to a partner or distributor.
 */
export async function readJob(store: JobStore, claims: Claims | null, id: string): Promise<JobEntity | null> {
  requireRole(claims ?? undefined, STAFF_ROLES);
  return store.get(id);
}

/** The job's row every `intervalMs` while it changes, until it has finished. */
export async function* watchJob(store: JobStore, claims: Claims | null, id: string, intervalMs = 250): AsyncGenerator<JobEntity> {
  requireRole(claims ?? undefined, STAFF_ROLES);
  let last = '';
  for (;;) {
    const job = await store.get(id);
    if (!job) throw new NotFoundError('Job', id);
    const seen = `${job.status}:${job.done}:${job.total}`;
    if (seen !== last) {
      last = seen;
      yield job;
    }
    if (isFinished(job)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
