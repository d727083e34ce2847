import 'reflect-metadata';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '@hub/graphql-kit';
import type { JobEntity, JobStatus } from './job.entity';

enum JobStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(JobStatusEnum, { name: 'JobStatus' });

// Value types both incentives and licences return, so they are shareable in the supergraph.
@Directive('@shareable')
@ObjectType('JobProgress')
export class JobProgressType {
  @Field(() => Int)
  done: number;

  @Field(() => Int, { description: 'Known once the job runs; 0 while queued.' })
  total: number;
}

@Directive('@shareable')
@ObjectType('Job', { description: 'Long work that answers at once and reports progress; poll job(id) or subscribe to jobUpdated(id).' })
export class JobType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'What the job does, e.g. statements or usage-month.' })
  kind: string;

  @Field(() => JobStatusEnum)
  status: JobStatus;

  @Field(() => JobProgressType)
  progress: JobProgressType;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true })
  error: string | null;
}

export function toJob(job: JobEntity): JobType {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: { done: job.done, total: job.total },
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.error,
  };
}
