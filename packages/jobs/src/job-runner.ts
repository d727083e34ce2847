import type { EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import { decodeEvent, type EventPayload } from '@hub/contracts';
import { PollingLoop, type DomainEvent, type EventBus, type Subscription } from '@hub/events';
import { isFinished, type JobEntity } from './job.entity';
import { PageDoneError, type JobStore, type PendingPage, type PlannedPage } from './job-store';

/** A job's work in pages: planned once, then each page done and committed on its own. */
export interface PagedWork<P = unknown> {
  /** Every page of the job, in order (planned once; a resumed job keeps its plan). */
  plan(job: JobEntity): Promise<PlannedPage<P>[]>;
  /** Does one page: its writes and `commit(manager)` (which marks it done) in one transaction. */
  page(job: JobEntity, payload: P, commit: (manager: EntityManager) => Promise<void>): Promise<void>;
}

export interface JobRunnerOptions {
  /** How long a claim holds without a sign of life; a dead coordinator's jobs wait this long. */
  leaseMs?: number;
  /** How often to look for jobs nobody coordinates (queued elsewhere, or their process died). */
  sweepMs?: number;
  /** How often a coordinator looks whether the queued pages are done. */
  pollMs?: number;
  /**
   * Pages a coordinator without a page queue keeps in flight at once (default 2): a page mostly
   * waits on the database, so a second one overlaps its reads with the first's.
   */
  concurrency?: number;
  /** Awaited after each page this process committed (tests stop or slow a run with it). */
  afterPage?: (jobId: string) => void | Promise<void>;
  /**
   * Pages go through this bus to the consumer group `group`, so every instance in the group does
   * some of them (Redis Streams, standalone); without it the coordinating process does them in
   * order (embedded).
   */
  pageQueue?: { bus: EventBus; group: string };
  /**
   * Told each job's duration once it has finished here (prom-client's Histogram fits): from its
   * first start to its end, so a job resumed after a restart counts its whole run.
   */
  durations?: JobDurations;
}

/** Where finished jobs' durations go (the subgraph's `hub_job_duration_seconds`). */
export interface JobDurations {
  observe(labels: { kind: string; outcome: 'succeeded' | 'failed' }, seconds: number): void;
}

export const JOB_PAGE = 'job.page';

class RunnerStopping extends Error {}

/**
 * Runs jobs in the background. `submit` queues and answers at once; the process that claims the
 * job's row (a lease, renewed while it lives) coordinates it: plans its pages, then does them
 * or hands them to the page queue, and marks the job finished. `start` picks up jobs nobody
 * coordinates, so a restarted process resumes with the pages its job had left.
 */
export class JobRunner {
  private readonly owner = newId();
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private stopping = false;
  private readonly sweeper: PollingLoop;
  private pages: Subscription | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly work: Readonly<Record<string, PagedWork>>,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.sweeper = new PollingLoop({
      intervalMs: options.sweepMs ?? 10_000,
      round: async () => {
        await this.sweep();
        return 'idle';
      },
      onError: (error) => console.error('[jobs] sweep failed:', error),
    });
  }

  /** Queues the work (or finds it queued) and starts it here; the job as it is now. */
  async submit(kind: string, subject: string, requestedBy: string): Promise<JobEntity> {
    if (!this.work[kind]) throw new Error(`no work registered for jobs of kind ${kind}`);
    const job = await this.store.enqueue(kind, subject, requestedBy);
    this.launch(job.id);
    return job;
  }

  /** Resolves when this process's coordination of the job ends (at once if it has none). */
  settled(id: string): Promise<void> {
    return this.running.get(id) ?? Promise.resolve();
  }

  async start(): Promise<void> {
    this.stopping = false;
    const queue = this.options.pageQueue;
    if (queue) this.pages = await queue.bus.consume(queue.group, (event) => this.onPage(event));
    this.sweeper.start();
  }

  /** Stops between pages: every job keeps its committed pages and is released for a resume. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.sweeper.stop();
    await this.pages?.stop();
    await Promise.allSettled(this.running.values());
  }

  async sweep(): Promise<void> {
    try {
      for (const job of await this.store.orphans(Object.keys(this.work))) this.launch(job.id);
    } catch (error) {
      console.error('[jobs] sweep failed:', error);
    }
  }

  private launch(id: string): void {
    if (this.stopping || this.running.has(id)) return;
    const run = this.coordinate(id).finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async coordinate(id: string): Promise<void> {
    // After the caller has its answer: the job it was given still reads QUEUED.
    await new Promise((resolve) => setImmediate(resolve));
    const job = await this.store.claim(id, this.owner, this.leaseMs);
    if (!job) return;
    const work = this.work[job.kind]!;
    try {
      const pages = await this.store.plan(id, () => work.plan(job));
      if (this.options.pageQueue) {
        await this.dispatch(job, pages);
      } else {
        await inParallel(pages, this.options.concurrency ?? 2, async (page) => {
          this.checkpoint();
          await this.doPage(job, work, page);
        });
      }
      // A page that failed on another instance failed the job there.
      if ((await this.store.get(id))?.status === 'RUNNING') await this.store.finish(id);
    } catch (error) {
      if (error instanceof RunnerStopping) {
        await this.store.release(id, this.owner);
        return;
      }
      console.error(`[jobs] ${job.kind} ${job.subject} (${id}) failed:`, error);
      await this.store.fail(id, error instanceof Error ? error.message : String(error));
    }
    await this.observe(id);
  }

  /** The finished job's duration, as its row says (the store's clock): once, by its coordinator. */
  private async observe(id: string): Promise<void> {
    if (!this.options.durations) return;
    try {
      const job = await this.store.get(id);
      if (!job || !isFinished(job) || !job.startedAt || !job.finishedAt) return;
      const seconds = Math.max(0, (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000);
      this.options.durations.observe({ kind: job.kind, outcome: job.status === 'SUCCEEDED' ? 'succeeded' : 'failed' }, seconds);
    } catch (error) {
      // The job's outcome stands; only its sample is lost.
      console.error(`[jobs] duration of job ${id} not recorded:`, error);
    }
  }

  /** Hands the pages left to the queue, then waits, alive, until they are done. */
  private async dispatch(job: JobEntity, pages: PendingPage<unknown>[]): Promise<void> {
    const { bus } = this.options.pageQueue!;
    const occurredAt = new Date().toISOString();
    const events: DomainEvent<EventPayload<typeof JOB_PAGE, 1>>[] = pages.map((page) => ({ id: newId(), type: JOB_PAGE, version: 1, occurredAt, source: job.kind, aggregateId: job.id, payload: { jobId: job.id, key: page.key } }));
    await bus.publish(events);
    for (;;) {
      this.checkpoint();
      const current = await this.store.get(job.id);
      if (!current || isFinished(current) || (await this.store.pagesLeft(job.id)) === 0) return;
      await this.store.renew(job.id, this.owner, this.leaseMs);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 250));
    }
  }

  /** A page from the queue: done here unless it is done already or its job is over. */
  private async onPage(event: DomainEvent): Promise<void> {
    if (event.type !== JOB_PAGE) return;
    const decoded = decodeEvent(event, JOB_PAGE, 1);
    // The queue carries pages only; one it cannot read has no job to fail, so it is dropped, loudly.
    if (!decoded.ok) return console.error(`[jobs] page event ${event.id} refused: ${decoded.reason}`);
    const { jobId, key } = decoded.payload;
    const job = await this.store.get(jobId);
    const work = job && this.work[job.kind];
    if (!job || !work || isFinished(job)) return;
    const page = await this.store.pendingPage(jobId, key);
    if (!page) return;
    try {
      await this.doPage(job, work, page);
    } catch (error) {
      console.error(`[jobs] page ${key} of ${job.kind} ${job.subject} (${jobId}) failed:`, error);
      await this.store.fail(jobId, error instanceof Error ? error.message : String(error));
    }
  }

  private async doPage(job: JobEntity, work: PagedWork, page: PendingPage<unknown>): Promise<void> {
    try {
      await work.page(job, page.payload, (manager) => this.store.commitPage(manager, job.id, page.key, this.leaseMs));
    } catch (error) {
      // Another instance did it first; its statements stand.
      if (error instanceof PageDoneError) return;
      throw error;
    }
    this.store.pageCommitted();
    await this.options.afterPage?.(job.id);
  }

  private checkpoint(): void {
    if (this.stopping) throw new RunnerStopping();
  }
}

/**
 * Runs `each` over the items with at most `limit` at once, taking them in order; the first
 * failure stops taking more, and is thrown once those in flight have ended.
 */
async function inParallel<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await each(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
}
