import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['QUEUED', 'RUNNING'];

/**
 * Long work that answers at once: what it is (`kind` and `subject`, e.g. statements for
 * 2026-Q3), how far it got, and who runs it. `resumeAfter` is the key of the last committed
 * page, written in that page's transaction, so a run that dies resumes right after it. The
 * lease says which process runs it until when; an expired lease means that process is gone.
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

  @Column({ type: 'varchar', length: 200, nullable: true })
  resumeAfter: string | null;

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

export function isFinished(job: Pick<JobEntity, 'status'>): boolean {
  return job.status === 'SUCCEEDED' || job.status === 'FAILED';
}
