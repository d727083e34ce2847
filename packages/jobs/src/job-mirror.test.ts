import { describe, expect, it } from 'vitest';
import { contractOf } from '@hub/contracts';
import { JobEntity } from './job.entity';
import { JOB_UPDATED, jobSnapshot } from './job-mirror';

describe('the job.updated event', () => {
  it.each(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const)('carries a %s job as the catalogue declares it, dropping nothing', (status) => {
    const job = Object.assign(new JobEntity(), {
      id: '01900000-0000-7000-8000-00000000000b',
      kind: 'usage-month',
      subject: '2026-06',
      status,
      done: status === 'QUEUED' ? 0 : 40,
      total: status === 'QUEUED' ? 0 : 40,
      requestedBy: 'cm@vendor',
      createdAt: new Date('2026-07-05T09:59:00.000Z'),
      startedAt: status === 'QUEUED' ? null : new Date('2026-07-05T09:59:01.000Z'),
      finishedAt: status === 'SUCCEEDED' || status === 'FAILED' ? new Date('2026-07-05T10:00:00.000Z') : null,
      error: status === 'FAILED' ? 'the price book has no EUR price' : null,
    });
    const payload = jobSnapshot(job);
    const parsed = contractOf(JOB_UPDATED, 1)!.payload.safeParse(payload);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(payload);
  });
});
