import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollingLoop, type NextRound } from './polling-loop';

const INTERVAL = 1_000;

/** A loop whose rounds answer from `answers` in turn (then 'idle'), counting them. */
function loopOf(answers: (NextRound | Error)[], options: { firstRoundAfterInterval?: boolean; during?: () => void } = {}) {
  const seen = { rounds: 0, errors: [] as unknown[] };
  const loop = new PollingLoop({
    intervalMs: INTERVAL,
    firstRoundAfterInterval: options.firstRoundAfterInterval,
    onError: (error) => seen.errors.push(error),
    round: async () => {
      const answer = answers[seen.rounds] ?? 'idle';
      seen.rounds += 1;
      options.during?.();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { loop, seen };
}

describe('PollingLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('goes again at once while rounds leave work, then waits the interval', async () => {
    const { loop, seen } = loopOf(['now', 'now', 'idle']);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.rounds).toBe(3);
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(seen.rounds).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.rounds).toBe(4);
    await loop.stop();
  });

  it('cuts an idle wait short on wake(), and counts a wake-up that came during the round', async () => {
    let wakeDuringRound = false;
    const { loop, seen } = loopOf([], {
      during: () => {
        if (wakeDuringRound) loop.wake();
        wakeDuringRound = false;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.rounds).toBe(1);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.rounds).toBe(2);
    wakeDuringRound = true;
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    // the second wake-up fell inside round 3, so round 4 followed without waiting
    expect(seen.rounds).toBe(4);
    await loop.stop();
  });

  it('pauses as long as a round asks, whatever wakes it', async () => {
    const { loop, seen } = loopOf([{ pauseMs: 5_000 }]);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    loop.wake();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen.rounds).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.rounds).toBe(2);
    await loop.stop();
  });

  it('reports a round that throws and goes on after the interval', async () => {
    const failure = new Error('database away');
    const { loop, seen } = loopOf([failure]);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.errors).toEqual([failure]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(seen.rounds).toBe(2);
    await loop.stop();
  });

  it('waits the interval before its first round when asked to', async () => {
    const { loop, seen } = loopOf([], { firstRoundAfterInterval: true });
    loop.start();
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(seen.rounds).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.rounds).toBe(1);
    await loop.stop();
  });

  it('stops after the round in progress, leaving no timer and running no further round', async () => {
    let finish!: () => void;
    let rounds = 0;
    const loop = new PollingLoop({
      intervalMs: INTERVAL,
      onError: () => undefined,
      round: () => {
        rounds += 1;
        return new Promise<NextRound>((resolve) => (finish = () => resolve('now')));
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(rounds).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('can be started again after a stop', async () => {
    const { loop, seen } = loopOf([]);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.rounds).toBe(2);
    await loop.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
