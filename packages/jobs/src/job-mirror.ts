import type { EntityManager } from 'typeorm';
import { defineConsumer, type EventPayload } from '@hub/contracts';
import { JobEntity, type JobStatus } from './job.entity';

export const JOB_UPDATED = 'job.updated';

/** What a `job.updated` event carries: the job as its subgraph sees it (declared in the event catalogue). */
export type JobSnapshot = EventPayload<typeof JOB_UPDATED, 1>;

export function jobSnapshot(job: JobEntity): JobSnapshot {
  return {
    id: job.id,
    kind: job.kind,
    subject: job.subject,
    status: job.status,
    done: job.done,
    total: job.total,
    requestedBy: job.requestedBy,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    error: job.error,
  };
}

const STAGE: Record<JobStatus, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2 };

/** Whether `next` is news after `current`: jobs only move forward, so a late event is dropped. */
export function isNewer(next: Pick<JobSnapshot, 'status' | 'done' | 'total'>, current: Pick<JobEntity, 'status' | 'done' | 'total'> | null): boolean {
  if (!current) return true;
  if (STAGE[next.status] !== STAGE[current.status]) return STAGE[next.status] > STAGE[current.status];
  return next.done > current.done || next.total !== current.total;
}

/**
 * Keeps a copy of a job another subgraph runs (from its `job.updated` events), so `job(id)` and
 * `jobUpdated(id)` answer for it here. The copy holds no lease and no active key: this
 * subgraph's runner never takes it up.
 */
export async function mirrorJob(manager: EntityManager, snapshot: JobSnapshot): Promise<void> {
  const current = await manager.findOneBy(JobEntity, { id: snapshot.id });
  if (!isNewer(snapshot, current)) return;
  await manager.save(JobEntity, {
    ...snapshot,
    activeKey: null,
    leaseOwner: null,
    leaseUntil: null,
    createdAt: new Date(snapshot.createdAt),
    startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
    finishedAt: snapshot.finishedAt ? new Date(snapshot.finishedAt) : null,
  });
}

/** A consumer of other subgraphs' `job.updated` events, keeping their jobs' copies here. */
export function jobMirrorConsumer(name: string) {
  return defineConsumer(name, { [JOB_UPDATED]: { 1: (snapshot, _event, manager) => mirrorJob(manager, snapshot) } });
}
