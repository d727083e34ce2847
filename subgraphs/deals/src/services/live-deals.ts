import { createPubSub, type PubSubEventTarget } from '@graphql-yoga/subscription';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';
import { canReadDeal } from './access';
import type { DealEventPayload } from './deal-events';
import { matchesFeedFilter, withPartnerFacts, type DealFeed, type DealFeedEvent, type DealFeedFilter } from './deal-feed';
import type { PartnerFactsLookup } from './partner-facts';

/** What a subscriber receives: a deal event at its place in the feed, with its partner's facts. */
export type LiveDealEvent = DealFeedEvent;

/** "The feed has advanced" (when, in epoch ms): a wake-up, not the events themselves. */
type LiveTopics = { 'deal-feed-advanced': [number] };

/** Events a resuming subscriber reads from the feed per query. */
const REPLAY_PAGE = 500;
/**
 * Live events a subscriber may hold while it replays (or reads slower than events come). Past
 * this it lets them go and replays further instead: the feed has them, and memory stays bounded
 * however far back it starts.
 */
const MAX_HELD_WHILE_REPLAYING = 10_000;

export interface LiveDealsOptions {
  /** Shares "the feed has advanced" between instances (Redis when several run); in-memory when absent. */
  eventTarget?: PubSubEventTarget<LiveTopics>;
  /** How often the feed is read when no wake-up came (a lost pub/sub message, a stopped peer). */
  pollMs?: number;
  /** Live events a subscriber may hold while it replays or reads slowly (default 10,000). */
  maxHeld?: number;
  onError?: (error: unknown) => void;
}

/**
 * Live deal updates for `Subscription.dealUpdated`, read from the deal feed. Each instance tails
 * the feed in position order and hands each new event to its own subscribers; the instance that
 * commits a change wakes every instance through the PubSub, and a poll covers lost wake-ups. So
 * every subscriber sees the feed's order whichever instance it is on, and one that resumes
 * (`after`) replays from the feed and then continues live with no gap and no repeat.
 */
export function createLiveDeals(feed: DealFeed, partnerFacts: PartnerFactsLookup, options: LiveDealsOptions = {}) {
  const pubSub = createPubSub<LiveTopics>({ eventTarget: options.eventTarget ?? new EventTarget() as unknown as PubSubEventTarget<LiveTopics> });
  const tail = new FeedTail(feed, partnerFacts, options.onError ?? ((error) => console.error('[deals] reading the deal feed failed:', error)));
  let wakeUps: AsyncIterator<number> | null = null;
  let poll: ReturnType<typeof setInterval> | null = null;

  return {
    /** Starts tailing at the feed's head: live subscribers hear of what commits from now on. */
    async start(): Promise<void> {
      await tail.start();
      const subscription = pubSub.subscribe('deal-feed-advanced');
      wakeUps = subscription[Symbol.asyncIterator]();
      void (async () => {
        for (let next = await wakeUps.next(); !next.done; next = await wakeUps.next()) tail.wake();
      })().catch(options.onError ?? (() => undefined));
      poll = setInterval(() => tail.wake(), options.pollMs ?? 1_000);
      poll.unref();
    },

    async stop(): Promise<void> {
      if (poll) clearInterval(poll);
      await wakeUps?.return?.();
      tail.close();
    },

    /** After a commit that appended to the feed: this instance reads it now, the others when woken. */
    committed(): void {
      tail.wake();
      // Only a wake-up: each instance reads what is new from the feed itself.
      pubSub.publish('deal-feed-advanced', Date.now());
    },

    /**
     * The events this caller may read, narrowed by the filter; with `after` (an event id), first
     * those after it from the feed. An unknown or pruned `after` fails here, before any event.
     */
    async subscribe(claims: Claims | null, args: DealFeedFilter & { after?: string | null }): Promise<AsyncIterable<LiveDealEvent>> {
      const caller = requireClaims(claims);
      const filter: DealFeedFilter = { partnerId: args.partnerId, distributorId: args.distributorId, dealId: args.dealId, kinds: args.kinds };
      const resumeFrom = args.after != null ? await feed.positionAfter(args.after) : null;
      const maxHeld = options.maxHeld ?? MAX_HELD_WHILE_REPLAYING;
      let listener = tail.listen(maxHeld);
      const visible = (event: LiveDealEvent) => canReadDeal(caller, event.payload) && matchesFeedFilter(event, filter);
      const events = (async function* () {
        try {
          let seen = resumeFrom ?? listener.startedAt;
          for (;;) {
            // Replay what the feed holds up to where this listener started; it holds what came after.
            while (seen < listener.startedAt) {
              const page = await feed.read(caller, filter, seen, REPLAY_PAGE, listener.startedAt);
              yield* await withPartnerFacts(page.events, partnerFacts);
              seen = page.scannedTo;
            }
            for await (const batch of listener) {
              for (const event of batch) {
                if (event.position <= seen) continue;
                seen = event.position;
                if (visible(event)) yield event;
              }
            }
            if (!listener.overflowed) return;
            // It fell behind while replaying: replay further, then listen afresh.
            listener = tail.listen(maxHeld);
          }
        } finally {
          listener.close();
        }
      })();
      // A generator's return() waits for what it is awaiting: for a quiet feed, the next event
      // anywhere, maybe hours away. Closing its listener first lets it reach its end now, so a
      // subscriber who leaves is let go at once.
      const subscription: AsyncIterableIterator<LiveDealEvent> = {
        [Symbol.asyncIterator]: () => subscription,
        next: () => events.next(),
        return: () => {
          listener.close();
          return events.return(undefined);
        },
        throw: (error?: unknown) => events.throw(error),
      };
      return subscription;
    },

    /** The dealUpdated subscribers this instance serves now (for /metrics). */
    subscribers: (): number => tail.listening,
  };
}

export type LiveDeals = ReturnType<typeof createLiveDeals>;

/**
 * One instance's reader of the feed: reads what follows the last position it handed out and
 * hands each page, in order, to every listener. A wake-up during a read makes one more read.
 */
class FeedTail {
  private position = 0;
  private readonly listeners = new Set<FeedListener>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private closed = false;

  constructor(
    private readonly feed: DealFeed,
    private readonly partnerFacts: PartnerFactsLookup,
    private readonly onError: (error: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.position = await this.feed.head();
  }

  get listening(): number {
    return this.listeners.size;
  }

  listen(maxHeld: number): FeedListener {
    const listener = new FeedListener(this.position, maxHeld, () => this.listeners.delete(listener));
    this.listeners.add(listener);
    return listener;
  }

  wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readToHead()
      .catch(this.onError)
      .finally(() => {
        this.reading = null;
        if (this.readAgain) {
          this.readAgain = false;
          this.wake();
        }
      });
  }

  close(): void {
    this.closed = true;
    for (const listener of this.listeners) listener.end();
  }

  private async readToHead(): Promise<void> {
    for (;;) {
      // The tail reads everything: each subscriber applies its own access rule and filter.
      const page = await this.feed.read(TAIL_READER, {}, this.position, REPLAY_PAGE);
      if (page.events.length > 0) {
        const events = await withPartnerFacts(page.events, this.partnerFacts);
        for (const listener of this.listeners) listener.push(events);
      }
      this.position = page.scannedTo;
      if (!page.more) return;
    }
  }
}

/** The tail reads as BI does: every deal, no one's in particular. */
const TAIL_READER: Claims = { sub: 'deals.live', role: 'bi' };

/** One subscriber's queue of pages from the tail, iterated by its generator. */
class FeedListener implements AsyncIterable<LiveDealEvent[]> {
  private readonly held: LiveDealEvent[][] = [];
  private heldEvents = 0;
  private waiting: (() => void) | null = null;
  private ended = false;
  overflowed = false;

  constructor(
    /** The tail's position when this listener was added: it receives every later event. */
    readonly startedAt: number,
    private readonly maxHeld: number,
    private readonly detach: () => void,
  ) {}

  push(events: LiveDealEvent[]): void {
    if (this.ended) return;
    this.heldEvents += events.length;
    if (this.heldEvents > this.maxHeld) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.held.push(events);
    this.waiting?.();
  }

  end(): void {
    this.ended = true;
    this.waiting?.();
  }

  close(): void {
    this.detach();
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiveDealEvent[]> {
    for (;;) {
      const batch = this.held.shift();
      if (batch) {
        this.heldEvents -= batch.length;
        yield batch;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = null;
    }
  }
}

/** The deal as the event describes it, so subscribers need no database read per event. */
export function dealFromEvent(payload: DealEventPayload): DealEntity & { eventLines: (DealLineEntity & { currency: string })[] } {
  return {
    id: payload.dealId,
    partnerId: payload.partnerId,
    distributorId: payload.distributorId,
    referringPartnerId: payload.referringPartnerId,
    programCode: payload.programCode,
    customerName: payload.endCustomer.name,
    customerKey: '',
    customerCountry: payload.endCustomer.country,
    customerDomain: payload.endCustomer.domain,
    type: payload.type,
    productLine: payload.productLine,
    segment: payload.segment,
    seats: payload.seats,
    amount: BigInt(payload.amountMinor),
    currency: payload.currency,
    status: payload.status,
    expectedCloseDate: payload.expectedCloseDate,
    registeredAt: new Date(payload.registeredAt),
    approvedAt: payload.approvedAt ? new Date(payload.approvedAt) : null,
    expiresAt: payload.expiresAt,
    closedAt: payload.closedAt,
    reason: payload.reason,
    conflictWithId: payload.conflictWithId ?? null,
    registeredBy: '',
    updatedAt: new Date(payload.registeredAt),
    eventLines: payload.lines.map((line, position) => ({
      id: `${payload.dealId}:${position}`,
      dealId: payload.dealId,
      position,
      sku: line.sku,
      seats: line.seats,
      unitPrice: BigInt(line.unitPriceMinor),
      amount: BigInt(line.amountMinor),
      currency: payload.currency,
    })),
  };
}
