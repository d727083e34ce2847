export { ACTIVE_JOB_STATUSES, isFinished, JobEntity, type JobStatus } from './job.entity';
export { JobStore, type JobStoreOptions } from './job-store';
export { JobRunner, type JobRunnerOptions, type JobWork, type PageLog } from './job-runner';
export { isNewer, JOB_UPDATED, jobSnapshot, mirrorJob, type JobSnapshot } from './job-mirror';
export { JobProgressType, JobType, toJob } from './job.type';
export { readJob, watchJob } from './job-access';
