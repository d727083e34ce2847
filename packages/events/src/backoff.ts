export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** Ceiling for any single delay. */
  maxMs: number;
}

export const defaultRetry: BackoffPolicy = { initialMs: 200, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`,
 * then spread over its upper half by `random` (0 ≤ random < 1) so consumers that failed
 * together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(capped / 2 + (capped / 2) * random);
}
