import { describe, expect, it } from 'vitest';
import { Doorbell, sleep } from './timers';

describe('Doorbell', () => {
  it('wakes every waiter on fire, long before their timeout', async () => {
    const bell = new Doorbell();
    const started = Date.now();
    const waits = Promise.all([bell.wait(10_000), bell.wait(10_000)]);
    bell.fire();
    await waits;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('wakes a waiter when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = new Doorbell().wait(10_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('times out on its own', async () => {
    const started = Date.now();
    await sleep(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
