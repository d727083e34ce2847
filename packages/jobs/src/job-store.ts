import type { EntityManager } from 'typeorm';
import { newId, type Database } from '@hub/db';
import { isDuplicateKeyError } from '@hub/events';
import { ACTIVE_JOB_STATUSES, JobEntity } from './job.entity';

/** The `job` table: what is queued, who runs it until when, how far it got. */
export class JobStore {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The active job for this kind and subject, or a new QUEUED one: asking twice while it runs
   * gives the same job, never a second run over the same pages.
   */
  async enqueue(kind: string, subject: string, requestedBy: string): Promise<JobEntity> {
    const activeKey = `${kind}:${subject}`;
    for (;;) {
      const job: JobEntity = {
        id: newId(),
        kind,
        subject,
        status: 'QUEUED',
        done: 0,
        total: 0,
        resumeAfter: null,
        activeKey,
        leaseOwner: null,
        leaseUntil: null,
        requestedBy,
        createdAt: this.now(),
        startedAt: null,
        finishedAt: null,
        error: null,
      };
      try {
        await this.manager.insert(JobEntity, job);
        return job;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const active = await this.manager.findOneBy(JobEntity, { activeKey });
      // Finished between the insert and the read: the next round queues a new one.
      if (active) return active;
    }
  }

  get(id: string): Promise<JobEntity | null> {
    return this.manager.findOneBy(JobEntity, { id });
  }

  /** Takes an active job for `owner` unless another live process holds its lease. */
  async claim(id: string, owner: string, leaseMs: number): Promise<JobEntity | null> {
    const now = this.now();
    const claimed = await this.manager
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'RUNNING', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
      .where('id = :id AND status IN (:...active)', { id, active: ACTIVE_JOB_STATUSES })
      .andWhere('(leaseUntil IS NULL OR leaseUntil < :now OR leaseOwner = :owner)', { now, owner })
      .execute();
    if (!claimed.affected) return null;
    await this.manager.createQueryBuilder().update(JobEntity).set({ startedAt: now }).where('id = :id AND startedAt IS NULL', { id }).execute();
    return this.get(id);
  }

  /** How many items the job has in all: those done plus those a (resumed) run has left. */
  async plan(id: string, total: number): Promise<void> {
    await this.manager.update(JobEntity, { id }, { total });
  }

  /**
   * Inside a page's own transaction: the page's items are done, the job resumes after `key`, and
   * the lease is renewed. Commits or rolls back with the page's writes.
   */
  async commitPage(manager: EntityManager, id: string, key: string, items: number, leaseMs: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(JobEntity)
      .set({ done: () => 'done + :items', resumeAfter: key, leaseUntil: new Date(this.now().getTime() + leaseMs) })
      .setParameter('items', items)
      .where('id = :id', { id })
      .execute();
  }

  async finish(id: string): Promise<void> {
    await this.manager.update(JobEntity, { id }, { status: 'SUCCEEDED', finishedAt: this.now(), activeKey: null, leaseOwner: null, leaseUntil: null });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.manager.update(JobEntity, { id }, { status: 'FAILED', finishedAt: this.now(), error: error.slice(0, 1000), activeKey: null, leaseOwner: null, leaseUntil: null });
  }

  /** A stopping process lets go, so another (or its own restart) resumes the job at once. */
  async release(id: string, owner: string): Promise<void> {
    await this.manager.update(JobEntity, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
  }

  /** Active jobs no live process holds: never claimed, or their runner died. */
  orphans(): Promise<JobEntity[]> {
    return this.manager
      .createQueryBuilder(JobEntity, 'job')
      .where('job.status IN (:...active)', { active: ACTIVE_JOB_STATUSES })
      .andWhere('(job.leaseUntil IS NULL OR job.leaseUntil < :now)', { now: this.now() })
      .orderBy('job.createdAt', 'ASC')
      .getMany();
  }

  private get manager(): EntityManager {
    return this.database.dataSource.manager;
  }
}
