import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '@hub/db';
import type { EventBus, Subscription } from './bus';
import type { DomainEvent } from './envelope';
import { InProcessBus } from './in-process.bus';
import { RedisStreamsBus } from './redis-streams.bus';
import { TEST_REDIS_URL, uniqueStreamKey } from './testing/redis';
import { eventually } from './testing/test-database';

/*
 * groupLag, behind the `hub_consumer_lag` and `hub_consumer_pending` gauges: a group that has
 * handled everything is 0 behind; events published while it is stopped are its lag.
 */

const event = (i: number): DomainEvent => ({
  id: newId(),
  type: 'test.happened',
  version: 1,
  occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  source: 'test',
  aggregateId: `a${i}`,
  payload: { i },
});

describe.each([
  { name: 'the in-process bus', open: (): EventBus => new InProcessBus() },
  { name: 'Redis Streams', open: (): EventBus => new RedisStreamsBus({ redis: TEST_REDIS_URL, streamKey: uniqueStreamKey('lag') }) },
])('consumer group lag on $name', ({ open }) => {
  const buses: EventBus[] = [];
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  it('is 0 once a group has handled everything, and counts what was published while it was stopped', async () => {
    const bus = open();
    buses.push(bus);
    const handled: string[] = [];
    const subscription: Subscription = await bus.consume('test.lagging', async (e) => {
      handled.push(e.id);
    });
    await bus.publish([event(1), event(2), event(3)]);
    await eventually('the group handled three events', () => handled.length === 3);
    const lagOf = async () => (await bus.groupLag()).find((g) => g.group === 'test.lagging');
    // Acknowledged just after the handler returns.
    await eventually('the group acknowledged them', async () => (await lagOf())?.pending === 0);
    expect(await lagOf()).toEqual({ group: 'test.lagging', lag: 0, pending: 0 });

    await subscription.stop();
    await bus.publish([event(4), event(5)]);
    expect(await lagOf()).toEqual({ group: 'test.lagging', lag: 2, pending: 0 });
  });

  it('forgets a retired group: it no longer holds a position or shows a lag', async () => {
    const bus = open();
    buses.push(bus);
    const subscription: Subscription = await bus.consume('test.retired', async () => undefined);
    await bus.publish([event(1)]);
    // A Redis consumer creates its group from its read loop, after consume() has returned.
    await eventually('the group to exist', async () => (await bus.groupLag()).some((g) => g.group === 'test.retired'));
    await subscription.stop();
    await bus.publish([event(2)]);
    expect((await bus.groupLag()).map((g) => g.group)).toContain('test.retired');
    expect(await bus.retireGroup('test.retired')).toBe(true);
    expect((await bus.groupLag()).map((g) => g.group)).not.toContain('test.retired');
    expect(await bus.retireGroup('test.retired')).toBe(false);
  });

  it('retires nothing, without an error, on a stream that does not exist yet (a fresh Redis)', async () => {
    const bus = open();
    buses.push(bus);
    expect(await bus.retireGroup('test.never-created')).toBe(false);
  });
});
