import { requireRole, STAFF_ROLES, type Claims } from '@hub/auth';
import { NotFoundError } from '@hub/domain';
import { isFinished, type JobEntity } from './job.entity';
import type { JobStore } from './job-store';

/**
 * Jobs are staff work (statements, closing a usage month): staff read any job, everyone else is
 * refused before the lookup, so a job id proves nothing to a partner or distributor.
 */
export async function readJob(store: JobStore, claims: Claims | null, id: string): Promise<JobEntity | null> {
  requireRole(claims, STAFF_ROLES);
  return store.get(id);
}

/**
 * `jobUpdated(id)`: the job now, then at each change of status or progress until it has
 * finished, read from its row every `intervalMs` (any instance may be running it). Access and
 * existence are checked before the stream starts, so a refusal is an ordinary GraphQL error.
 */
export async function watchJob(store: JobStore, claims: Claims | null, id: string, intervalMs = 250): Promise<AsyncIterable<JobEntity>> {
  const first = await readJob(store, claims, id);
  if (!first) throw new NotFoundError('Job', id);
  return changesOf(store, first, intervalMs);
}

async function* changesOf(store: JobStore, first: JobEntity, intervalMs: number): AsyncGenerator<JobEntity> {
  let job: JobEntity | null = first;
  let last = '';
  while (job) {
    const seen = `${job.status}:${job.done}:${job.total}`;
    if (seen !== last) {
      last = seen;
      yield job;
    }
    if (isFinished(job)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    job = await store.get(job.id);
  }
}
