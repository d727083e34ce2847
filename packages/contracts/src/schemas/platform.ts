import { z } from 'zod';
import { currency, id, instant, minorUnits } from './common';

const payeeKind = z.enum(['PARTNER', 'DISTRIBUTOR']);

export const statementComputedV1 = z.object({
  statementId: id,
  payeeKind,
  payeeId: id,
  period: z.string().regex(/^\d{4}-Q[1-4]$/),
  currency,
  totalMinor: minorUnits,
  lines: z.number().int(),
});

export const statementTransitionedV1 = z.object({
  statementId: id,
  payeeKind,
  payeeId: id,
  period: z.string().regex(/^\d{4}-Q[1-4]$/),
  currency,
  totalMinor: minorUnits,
  status: z.enum(['OPEN', 'APPROVED', 'PAID']),
});

/** The job as its subgraph sees it, so another subgraph can answer job(id) for it. */
export const jobUpdatedV1 = z.object({
  id,
  kind: z.string(),
  subject: z.string(),
  status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
  done: z.number().int(),
  total: z.number().int(),
  requestedBy: z.string(),
  createdAt: instant,
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
  error: z.string().nullable(),
});

/** One page of a job handed to whichever instance takes it from the page queue. */
export const jobPageV1 = z.object({ jobId: id, key: z.string() });

/** An audit row travelling from the subgraph that wrote it to the audit home. */
export const auditRecordedV1 = z.object({
  subgraph: z.string(),
  actor: z.string(),
  role: z.string(),
  operation: z.string(),
  rootField: z.string(),
  targetIds: z.array(z.string()),
  requestId: z.string(),
  at: instant,
});
