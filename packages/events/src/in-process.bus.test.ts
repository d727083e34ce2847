import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from './envelope';
import { InProcessBus } from './in-process.bus';
import { captureLogger, eventually } from './testing/test-database';

const fastRetry = { initialMs: 5, maxMs: 20 };
let sequence = 0;
const event = (type = 'deal.won', payload: unknown = {}): DomainEvent => ({
  id: `event-${(sequence += 1)}`,
  type,
  version: 1,
  occurredAt: '2026-06-15T10:00:00.000Z',
  source: 'deals',
  aggregateId: 'deal-1',
  payload,
});

describe('InProcessBus', () => {
  let bus: InProcessBus;
  let logger: ReturnType<typeof captureLogger>;
  afterEach(() => bus?.close());

  const newBus = (maxLength?: number) => {
    logger = captureLogger();
    bus = new InProcessBus({ retry: fastRetry, logger, maxLength });
    return bus;
  };

  it('delivers to a group in publish order', async () => {
    newBus();
    const seen: string[] = [];
    await bus.consume('ledger', async (e) => void seen.push(e.id));
    const events = [event(), event(), event()];
    await bus.publish(events.slice(0, 2));
    await bus.publish(events.slice(2));
    await eventually('three events', () => seen.length === 3);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('gives a group that subscribes late the events published before it', async () => {
    newBus();
    const events = [event(), event()];
    await bus.publish(events);
    const seen: string[] = [];
    await bus.consume('late', async (e) => void seen.push(e.id));
    await eventually('the history', () => seen.length === 2);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('keeps one offset per group: every group gets every event', async () => {
    newBus();
    const seen: Record<string, string[]> = { a: [], b: [] };
    await bus.consume('a', async (e) => void seen.a!.push(e.id));
    await bus.consume('b', async (e) => void seen.b!.push(e.id));
    await bus.publish([event(), event()]);
    await eventually('both groups', () => seen.a!.length === 2 && seen.b!.length === 2);
    expect(seen.a).toEqual(seen.b);
  });

  it('resumes a stopped group where it left off, catching up on what was published meanwhile', async () => {
    newBus();
    const seen: string[] = [];
    const first = await bus.consume('ledger', async (e) => void seen.push(e.id));
    const events = [event(), event(), event(), event()];
    await bus.publish(events.slice(0, 2));
    await eventually('the first two', () => seen.length === 2);
    await first.stop();
    await bus.publish(events.slice(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(2);
    await bus.consume('ledger', async (e) => void seen.push(e.id));
    await eventually('the rest', () => seen.length === 4);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('retries a failing handler until it succeeds, holding later events back so order holds', async () => {
    newBus();
    const seen: string[] = [];
    let failuresLeft = 3;
    await bus.consume('ledger', async (e) => {
      if (e.type === 'deal.flaky' && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('database busy');
      }
      seen.push(e.type);
    });
    await bus.publish([event('deal.flaky'), event('deal.after')]);
    await eventually('both events', () => seen.length === 2);
    expect(seen).toEqual(['deal.flaky', 'deal.after']);
    expect(logger.lines.filter((line) => line.includes('failed (attempt'))).toHaveLength(3);
  });

  it('hands each consumer its own copy, as if it had crossed the network', async () => {
    newBus();
    const payload = { seats: 5, closedOn: new Date('2026-06-15T00:00:00Z') };
    const received: unknown[] = [];
    await bus.consume('a', async (e) => {
      received.push(e.payload);
      // What the handler changes in its copy must not reach the other group's.
      Object.assign(Object(e.payload), { seats: 0 });
    });
    await bus.consume('b', async (e) => void received.push(e.payload));
    await bus.publish([event('deal.won', payload)]);
    await eventually('both copies', () => received.length === 2);
    expect(received[1]).toEqual({ seats: 5, closedOn: '2026-06-15T00:00:00.000Z' });
    expect(payload.seats).toBe(5);
  });

  it('lets stop finish the event in hand, and not start the next', async () => {
    newBus();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const subscription = await bus.consume('ledger', async (e) => {
      await gate;
      seen.push(e.id);
    });
    await bus.publish([event(), event()]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = subscription.stop();
    release();
    await stopped;
    expect(seen).toHaveLength(1);
  });

  it('refuses a second consumer in a group that already has one', async () => {
    newBus();
    await bus.consume('ledger', async () => undefined);
    await expect(bus.consume('ledger', async () => undefined)).rejects.toThrow('already has a consumer');
  });

  it('trims the oldest events past maxLength; a group that fell behind resumes at the oldest kept, and says so', async () => {
    newBus(3);
    await (await bus.consume('laggard', async () => undefined)).stop();
    const events = Array.from({ length: 5 }, () => event());
    await bus.publish(events);
    const seen: string[] = [];
    await bus.consume('laggard', async (e) => void seen.push(e.id));
    await eventually('the retained events', () => seen.length === 3);
    expect(seen).toEqual(events.slice(2).map((e) => e.id));
    expect(logger.lines).toContain('error: consumer laggard fell behind: 2 events were trimmed before it read them');
  });
});
