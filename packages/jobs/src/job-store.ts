import { IsNull, type EntityManager } from 'typeorm';
import { newId, type Database } from '@hub/db';
import { recordContractEvent } from '@hub/contracts';
import { isDuplicateKeyError } from '@hub/events';
import { ACTIVE_JOB_STATUSES, JobEntity, JobPageEntity } from './job.entity';
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

  /**
   * Plans the job's pages once (a resumed job keeps its plan, so its pages are the ones it
   * started with) and sets its total; answers the pages not done yet, in order.
   */
  async plan<P>(id: string, pages: () => Promise<PlannedPage<P>[]>): Promise<PendingPage<P>[]> {
    if (!(await this.manager.existsBy(JobPageEntity, { jobId: id }))) {
      const planned = await pages();
      await this.change(id, async (manager) => {
        const rows = planned.map((page, position) => ({ jobId: id, pageKey: page.key, position, items: page.items, payload: JSON.stringify(page.payload), doneAt: null }));
        for (let i = 0; i < rows.length; i += 200) await manager.insert(JobPageEntity, rows.slice(i, i + 200));
        await manager.update(JobEntity, { id }, { total: planned.reduce((sum, page) => sum + page.items, 0) });
      });
    }
    return (await this.manager.find(JobPageEntity, { where: { jobId: id, doneAt: IsNull() }, order: { position: 'ASC' } })).map((page) => pending<P>(page));
  }

  /** A page of the job that is still to do, or null (done already, or no such page). */
  async pendingPage<P>(id: string, key: string): Promise<PendingPage<P> | null> {
    const page = await this.manager.findOneBy(JobPageEntity, { jobId: id, pageKey: key, doneAt: IsNull() });
    return page && pending(page);
  }

  pagesLeft(id: string): Promise<number> {
    return this.manager.countBy(JobPageEntity, { jobId: id, doneAt: IsNull() });
  }

  /**
   * Inside a page's own transaction: the page is done, its items count, and the job's lease is
   * renewed. Commits or rolls back with the page's writes; a page done meanwhile (by another
   * instance given the same page) throws PageDoneError, rolling this attempt back.
   */
  async commitPage(manager: EntityManager, id: string, key: string, leaseMs: number): Promise<void> {
    const now = this.now();
    const marked = await manager
      .createQueryBuilder()
      .update(JobPageEntity)
      .set({ doneAt: now })
      .where('jobId = :id AND pageKey = :key AND doneAt IS NULL', { id, key })
      .execute();
    if (!marked.affected) throw new PageDoneError(id, key);
    const page = await manager.findOneByOrFail(JobPageEntity, { jobId: id, pageKey: key });
    await manager
      .createQueryBuilder()
      .update(JobEntity)
      .set({ done: () => 'done + :items', leaseUntil: new Date(now.getTime() + leaseMs) })
      .setParameter('items', page.items)
      .where('id = :id', { id })
      .execute();
    await this.announce(manager, id);
  }

  /** After a page's transaction has committed (the relay has something to publish). */
  pageCommitted(): void {
    this.options.announce?.wake();
  }

  /** The coordinator is alive: its lease runs on while other instances do the pages. */
  async renew(id: string, owner: string, leaseMs: number): Promise<void> {
    await this.manager.update(JobEntity, { id, leaseOwner: owner }, { leaseUntil: new Date(this.now().getTime() + leaseMs) });
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
    await recordContractEvent(manager, { type: JOB_UPDATED, version: 1, source: this.options.announce.source, aggregateId: id, payload: jobSnapshot(job) }, this.now());
  }

  private get manager(): EntityManager {
    return this.database.dataSource.manager;
  }
}

/** A page as planned: its key (unique in the job), how many items it counts for, what it works on. */
export interface PlannedPage<P> {
  key: string;
  items: number;
  payload: P;
}

export interface PendingPage<P> {
  key: string;
  items: number;
  payload: P;
}

function pending<P>(page: JobPageEntity): PendingPage<P> {
  return { key: page.pageKey, items: page.items, payload: JSON.parse(page.payload) as P };
}

/** The page was done by someone else first: nothing of this attempt may commit. */
export class PageDoneError extends Error {
  constructor(jobId: string, key: string) {
    super(`page ${key} of job ${jobId} is done already`);
    this.name = 'PageDoneError';
  }
}
