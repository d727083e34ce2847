import { randomBytes } from 'node:crypto';
import { type Redis } from 'ioredis';
import { parseStreamFields } from '../stream-entry';
import type { DomainEvent } from '../envelope';

/** The machine's shared Redis; tests only ever touch their own uniquely named keys on it. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniqueStreamKey(label: string): string {
  return `hub:test:${label}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Reads a whole stream back as envelopes, to count what was published. */
export async function streamEvents(redis: Redis, key: string): Promise<DomainEvent[]> {
  const entries = await redis.xrange(key, '-', '+');
  return entries.map(([id, fields]) => parseStreamFields(id, fields));
}
