import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const policy = { initialMs: 100, maxMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles from the initial delay with each attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, 0.999999))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the ceiling, however many attempts failed', () => {
    expect(backoffDelay(5, policy, 0.999999)).toBe(1_000);
    expect(backoffDelay(10_000, policy, 0.999999)).toBe(1_000);
  });

  it('spreads each delay over its upper half so retries do not line up', () => {
    expect(backoffDelay(3, policy, 0)).toBe(200);
    expect(backoffDelay(3, policy, 0.5)).toBe(300);
  });
});
