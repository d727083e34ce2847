import type { EntityManager } from 'typeorm';
import { newId } from '@hub/db';
import type { JobEntity } from './job.entity';
import type { JobStore } from './job-store';

/** What a job's work sees of its job: where to resume, and how to commit a page. */
export interface PageLog {
  /** The key of the last committed page; null on a fresh start. */
  readonly resumeAfter: string | null;
  /** Items done by earlier runs of this job. */
  readonly done: number;
  /** Sets the job's total: the items done so far plus those this run has left. */
  plan(remaining: number): Promise<void>;
  /** In the page's transaction: its items are done and the job resumes after `key`. */
  commit(manager: EntityManager, key: string, items: number): Promise<void>;
  /** Between pages: throws when the runner is stopping, leaving the job at its last page. */
  checkpoint(): void;
}

/** Does a job's work page by page; resumes after `log.resumeAfter`. */
export type JobWork = (job: JobEntity, log: PageLog) => Promise<void>;

export interface JobRunnerOptions {
  /** How long a claim holds without a committed page; a dead runner's jobs wait this long. */
  leaseMs?: number;
  /** How often to look for jobs nobody runs (queued elsewhere, or orphaned by a dead process). */
  sweepMs?: number;
  /** Called at each checkpoint after a committed page (tests stop a run mid-way with it). */
  afterPage?: (jobId: string) => void;
}

class RunnerStopping extends Error {}

/**
 * Runs jobs in the background of this process. `submit` queues and answers at once; a claim
 * on the job's row (a lease, renewed by every page) keeps two processes from running one job;
 * `start` picks up jobs nobody runs, so a restarted process resumes what it was doing.
 */
export class JobRunner {
  private readonly owner = newId();
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private stopping = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly work: Readonly<Record<string, JobWork>>,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Queues the work (or finds it queued) and starts it here; the job as it is now. */
  async submit(kind: string, subject: string, requestedBy: string): Promise<JobEntity> {
    if (!this.work[kind]) throw new Error(`no work registered for jobs of kind ${kind}`);
    const job = await this.store.enqueue(kind, subject, requestedBy);
    this.launch(job.id);
    return job;
  }

  /** Resolves when this process's run of the job ends (at once if it runs elsewhere or not at all). */
  settled(id: string): Promise<void> {
    return this.running.get(id) ?? Promise.resolve();
  }

  start(): void {
    this.stopping = false;
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), this.options.sweepMs ?? 10_000);
    this.sweeper.unref();
  }

  /** Stops between pages: every job keeps its committed pages and is released for a resume. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweeper);
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
    const run = this.run(id).finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async run(id: string): Promise<void> {
    // After the caller has its answer: the job it was given still reads QUEUED.
    await new Promise((resolve) => setImmediate(resolve));
    const job = await this.store.claim(id, this.owner, this.leaseMs);
    if (!job) return;
    let pages = 0;
    let seen = 0;
    const log: PageLog = {
      resumeAfter: job.resumeAfter,
      done: job.done,
      plan: (remaining) => this.store.plan(id, job.done + remaining),
      commit: async (manager, key, items) => {
        await this.store.commitPage(manager, id, key, items, this.leaseMs);
        pages += 1;
      },
      checkpoint: () => {
        // Called between pages, so the last one has committed by now.
        if (pages > seen) {
          seen = pages;
          this.store.pageCommitted();
          this.options.afterPage?.(id);
        }
        if (this.stopping) throw new RunnerStopping();
      },
    };
    try {
      await this.work[job.kind]!(job, log);
      await this.store.finish(id);
    } catch (error) {
      if (error instanceof RunnerStopping) {
        await this.store.release(id, this.owner);
        return;
      }
      console.error(`[jobs] ${job.kind} ${job.subject} (${id}) failed:`, error);
      await this.store.fail(id, error instanceof Error ? error.message : String(error));
    }
  }
}
