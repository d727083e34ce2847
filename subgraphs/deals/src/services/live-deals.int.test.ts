import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '@hub/auth';
import { payloadOf } from '@hub/contracts';
import { fixtureEnvelope } from '@hub/contracts/fixtures';
import { newId, type Database } from '@hub/db';
import { openDealsDatabase } from '../server';
import { DealFeed } from './deal-feed';
import { createLiveDeals, type LiveDeals } from './live-deals';

const admin: Claims = { sub: 'admin@vendor', role: 'vendor_admin' };
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The live side of the feed on its own (SQLite): a subscriber that cannot keep up, or replays
 * from far back, holds a bounded number of events and reads the rest from the feed.
 */
describe('live deal updates from the feed', () => {
  let database: Database;
  let feed: DealFeed;
  let live: LiveDeals;

  /** Appends one deal.submitted to the feed, as a deal change does, and says it committed. */
  const append = async (): Promise<string> => {
    const fixture = fixtureEnvelope('deal.submitted', 1);
    const event = { ...fixture, id: newId(), payload: { ...payloadOf(fixture, 'deal.submitted', 1), dealId: newId() } };
    await database.transaction((manager) => feed.append(manager, event));
    live.committed();
    return event.id;
  };

  beforeAll(async () => {
    database = await openDealsDatabase({ sqliteFile: ':memory:' });
    feed = new DealFeed(database.dataSource, 30 * DAY_MS);
    // A subscriber may hold 3 events: anything more must come from the feed.
    live = createLiveDeals(feed, async () => null, { maxHeld: 3, pollMs: 60_000 });
    await live.start();
  });

  afterAll(async () => {
    await live.stop();
    await database.dataSource.destroy();
  });

  it('gives a subscriber that reads slowly every event once, in order, while holding at most a few', async () => {
    const from = await append();
    const stream = (await live.subscribe(admin, { after: from }))[Symbol.asyncIterator]();
    const written: string[] = [];
    for (let n = 0; n < 25; n += 1) written.push(await append());
    const received: string[] = [];
    // Reads one event, then lets ten more be written before reading on: far more than it may hold.
    received.push((await stream.next()).value!.id);
    for (let n = 0; n < 10; n += 1) written.push(await append());
    while (received.length < written.length) {
      const next = await stream.next();
      received.push(next.value!.id);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await stream.return?.();
    expect(received).toEqual(written);
  });

  it('refuses an unknown resume point before any event, and ends cleanly when the subscriber leaves', async () => {
    await expect(live.subscribe(admin, { after: newId() })).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await expect(live.subscribe(null, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const stream = (await live.subscribe(admin, {}))[Symbol.asyncIterator]();
    const id = await append();
    expect((await stream.next()).value!.id).toBe(id);
    await stream.return?.();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('answers dealEvents(first: 0) with no events and whether any exist, instead of failing', async () => {
    const from = await append();
    await append();
    // A page of none used to take the position of its last event, which it does not have.
    expect(await feed.page(admin, {}, null, 0)).toMatchObject({ events: [], more: true });
    expect(await feed.page(admin, {}, from, 0)).toMatchObject({ events: [], more: true });
    expect((await feed.page(admin, {}, from, 1)).events).toHaveLength(1);
  });
});
