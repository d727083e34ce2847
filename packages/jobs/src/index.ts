export { ACTIVE_JOB_STATUSES, isFinished, JobEntity, JobPageEntity, type JobStatus } from './job.entity';
export { JobStore, PageDoneError, type JobStoreOptions, type PendingPage, type PlannedPage } from './job-store';
export { JOB_PAGE, JobRunner, type JobDurations, type JobRunnerOptions, type PagedWork } from './job-runner';
export { isNewer, JOB_UPDATED, jobMirrorConsumer, jobSnapshot, mirrorJob, type JobSnapshot } from './job-mirror';
export { JobProgressType, JobType, toJob } from './job.type';
export { readJob, watchJob } from './job-access';
