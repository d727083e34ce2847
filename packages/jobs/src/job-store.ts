import type { EntityManager } from 'typeorm';
import { newId, type Database } from '@hub/db';
import { isDuplicateKeyError, recordEvent } from '@hub/events';
import { ACTIVE_JOB_STATUSES, JobEntity } from './job.entity';
import { JOB_UPDATED, jobSnapshot } from './job-mirror';

export interface JobStoreOptions {
  now?: () => Date;
  /**
   * Records a `job.updated` event (from `source`) with every change, in the change's own
   * transaction, so the subgraph that serves `job(id)` learns of jobs run elsewhere; `wake`
   * tells the outbox relay after each commit.
   */
  announce?: { source: string; wake: () => void };
}

/** The `job` table: what is queued, who runs it until when, how far it got. */
export class JobStore {
  private readonly now: () => Date;

  constructor(
    private readonly database: Database,
    private readonly options: JobStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

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
        await this.change(job.id, (manager) => manager.insert(JobEntity, job));
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
    const claimed = await this.change(id, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(JobEntity)
        .set({ status: 'RUNNING', leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
        .where('id = :id AND status IN (:...active)', { id, active: ACTIVE_JOB_STATUSES })
        .andWhere('(leaseUntil IS NULL OR leaseUntil < :now OR leaseOwner = :owner)', { now, owner })
        .execute();
      if (!result.affected) return false;
      await manager.createQueryBuilder().update(JobEntity).set({ startedAt: now }).where('id = :id AND startedAt IS NULL', { id }).execute();
      return true;
    });
    return claimed ? this.get(id) : null;
  }

  /** How many items the job has in all: those done plus those a (resumed) run has left. */
  async plan(id: string, total: number): Promise<void> {
    await this.change(id, (manager) => manager.update(JobEntity, { id }, { total }));
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
    await this.announce(manager, id);
  }

  /** After the page's transaction has committed (the relay has something to publish). */
  pageCommitted(): void {
    this.options.announce?.wake();
  }

  async finish(id: string): Promise<void> {
    await this.change(id, (manager) => manager.update(JobEntity, { id }, { status: 'SUCCEEDED', finishedAt: this.now(), activeKey: null, leaseOwner: null, leaseUntil: null }));
  }

  async fail(id: string, error: string): Promise<void> {
    await this.change(id, (manager) =>
      manager.update(JobEntity, { id }, { status: 'FAILED', finishedAt: this.now(), error: error.slice(0, 1000), activeKey: null, leaseOwner: null, leaseUntil: null }),
    );
  }

  /** A stopping process lets go, so another (or its own restart) resumes the job at once. */
  async release(id: string, owner: string): Promise<void> {
    await this.manager.update(JobEntity, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
  }

  /** Active jobs of these kinds that no live process holds: never claimed, or their runner died. */
  orphans(kinds: readonly string[]): Promise<JobEntity[]> {
    if (kinds.length === 0) return Promise.resolve([]);
    return this.manager
      .createQueryBuilder(JobEntity, 'job')
      .where('job.status IN (:...active) AND job.kind IN (:...kinds)', { active: ACTIVE_JOB_STATUSES, kinds })
      .andWhere('(job.leaseUntil IS NULL OR job.leaseUntil < :now)', { now: this.now() })
      .orderBy('job.createdAt', 'ASC')
      .getMany();
  }

  /** A change to one job, announced in its transaction when the store announces. */
  private async change<T>(id: string, write: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.options.announce) return write(this.manager);
    const result = await this.database.transaction(async (manager) => {
      const written = await write(manager);
      await this.announce(manager, id);
      return written;
    });
    this.options.announce.wake();
    return result;
  }

  private async announce(manager: EntityManager, id: string): Promise<void> {
    if (!this.options.announce) return;
    const job = await manager.findOneByOrFail(JobEntity, { id });
    await recordEvent(manager, { type: JOB_UPDATED, source: this.options.announce.source, aggregateId: id, payload: jobSnapshot(job) }, this.now());
  }

  private get manager(): EntityManager {
    return this.database.dataSource.manager;
  }
}
