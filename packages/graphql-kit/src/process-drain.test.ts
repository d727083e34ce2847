import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { drainOnSignal } from './process-drain';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function harness(drain: () => Promise<void>, timeoutMs = 200) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  let drains = 0;
  drainOnSignal(
    () => {
      drains += 1;
      return drain();
    },
    { name: 'deals', timeoutMs, exit: (code) => exits.push(code), signals: signals as never },
  );
  return { signals, exits, drains: () => drains };
}

describe('drainOnSignal', () => {
  it('drains once on SIGTERM, then exits 0', async () => {
    const { signals, exits, drains } = harness(() => sleep(20));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    await sleep(60);
    expect(exits).toEqual([0]);
    expect(drains()).toBe(1);
  });

  it('exits 1 when the drain hangs past its bound', async () => {
    const { signals, exits } = harness(() => new Promise(() => undefined), 50);
    signals.emit('SIGTERM', 'SIGTERM');
    await sleep(120);
    expect(exits).toEqual([1]);
  });

  it('exits 1 when the drain fails, and at once on a second signal', async () => {
    const failing = harness(() => Promise.reject(new Error('relay stuck')));
    failing.signals.emit('SIGINT', 'SIGINT');
    await sleep(10);
    expect(failing.exits).toEqual([1]);

    const slow = harness(() => sleep(500), 1_000);
    slow.signals.emit('SIGTERM', 'SIGTERM');
    slow.signals.emit('SIGTERM', 'SIGTERM');
    expect(slow.exits).toEqual([1]);
    expect(slow.drains()).toBe(1);
  });
});
