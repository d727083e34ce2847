import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['QUEUED', 'RUNNING'];

/**
 * Long work that answers at once: what it is (`kind` and `subject`, e.g. statements for
 * 2026-Q3), how far it got, and who runs it. Its pages (`job_page`) are planned once and each is
 * marked done in the transaction that writes it, so a run that dies resumes with the pages left.
 * The lease says which process coordinates it until when; an expired lease means that process
 * is gone.
 */
@Entity('job')
@Index('idx_job_subject', ['kind', 'subject', 'status'])
@Index('idx_job_status', ['status', 'leaseUntil'])
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'varchar', length: 40 })
  subject: string;

  @Column({ type: 'varchar', length: 10 })
  status: JobStatus;

  @Column({ type: 'int' })
  done: number;

  @Column({ type: 'int' })
  total: number;

  /** `kind:subject` while QUEUED or RUNNING, null after: its unique index allows one active job per subject. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  @Index('uq_job_active', { unique: true })
  activeKey: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  leaseOwner: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  leaseUntil: Date | null;

  @Column({ type: 'varchar', length: 200 })
  requestedBy: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error: string | null;
}

/**
 * One page of a job's work, planned before any is done: its key, how many items it counts for,
 * what it works on (JSON), and when it was done (in the transaction that did it).
 */
@Entity('job_page')
@Index('idx_job_page_pending', ['jobId', 'doneAt', 'position'])
export class JobPageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  jobId: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  pageKey: string;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'int' })
  items: number;

  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  doneAt: Date | null;
}

export function isFinished(job: Pick<JobEntity, 'status'>): boolean {
  return job.status === 'SUCCEEDED' || job.status === 'FAILED';
}
