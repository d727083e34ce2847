import { setMaxListeners } from 'node:events';
import { createPubSub, filter, pipe, type PubSubEventTarget } from '@graphql-yoga/subscription';
import type { Claims } from '@hub/auth';
import { requireClaims } from '@hub/auth';
import { decodeEvent } from '@hub/contracts';
import type { DomainEvent, EventBus, Subscription } from '@hub/events';
import type { DealEntity } from '../entities/deal.entity';
import type { DealLineEntity } from '../entities/deal-line.entity';
import { canReadDeal } from './access';
import { DEAL_EVENT_VERSION, isDealEventType, type DealEventKind, type DealEventPayload } from './deal-events';
import type { PartnerFacts, PartnerFactsLookup } from './partner-facts';

export interface LiveDealEvent {
  id: string;
  kind: DealEventKind;
  at: string;
  payload: DealEventPayload;
  /** Deals' projection of the deal's partner when the event went out (absent if deals has none). */
  partner?: PartnerFacts;
}

type LiveTopics = { 'deal-updated': [LiveDealEvent] };

/** Events older than this are history, not news: a live consumer catching up skips them. */
const LIVE_WINDOW_MS = 5 * 60 * 1000;

/**
 * Live deal updates for `Subscription.dealUpdated`. One instance of the `deals.live` consumer
 * group takes each deal event from the bus and publishes it to the PubSub, whose event target
 * (Redis when several instances run) hands it to the subscribers of every instance.
 */
export function createLiveDeals(partnerFacts: PartnerFactsLookup, eventTarget?: PubSubEventTarget<LiveTopics>) {
  const pubSub = createPubSub<LiveTopics>({ eventTarget: eventTarget ?? unboundedEventTarget() });
  return {
    publish(event: LiveDealEvent): void {
      pubSub.publish('deal-updated', event);
    },

    /** The events this caller may read, narrowed to a partner and/or distributor if asked. */
    subscribe(claims: Claims | null, args: { partnerId?: string | null; distributorId?: string | null }): AsyncIterable<LiveDealEvent> {
      const caller = requireClaims(claims);
      return pipe(
        pubSub.subscribe('deal-updated'),
        filter(
          (event: LiveDealEvent) =>
            canReadDeal(caller, event.payload) &&
            (args.partnerId == null || event.payload.partnerId === args.partnerId || event.payload.referringPartnerId === args.partnerId) &&
            (args.distributorId == null || event.payload.distributorId === args.distributorId),
        ),
      );
    },

    /**
     * Feeds the PubSub from the bus; returns the consumer to stop on shutdown. The partner's facts
     * are read here, once per event, and travel with it: every subscriber (on every instance)
     * gets the partner's name without a database read or a call to partners of its own.
     */
    consume(bus: EventBus, now: () => Date = () => new Date()): Promise<Subscription> {
      return bus.consume('deals.live', async (event: DomainEvent) => {
        if (!isDealEventType(event.type)) return;
        if (now().getTime() - new Date(event.occurredAt).getTime() > LIVE_WINDOW_MS) return;
        const decoded = decodeEvent(event, event.type, DEAL_EVENT_VERSION);
        // Live updates are news, not state: one that cannot be read is skipped, not retried.
        if (!decoded.ok) return console.error(`[deals] live update ${event.id} skipped: ${decoded.reason}`);
        const { payload } = decoded;
        const partner = (await partnerFacts(payload.partnerId)) ?? undefined;
        pubSub.publish('deal-updated', { id: event.id, kind: payload.kind, at: event.occurredAt, payload, partner });
      });
    },
  };
}

export type LiveDeals = ReturnType<typeof createLiveDeals>;

/** In memory, one listener per subscriber: thousands are expected, so Node's warning at 11 is noise. */
function unboundedEventTarget(): PubSubEventTarget<LiveTopics> {
  const target = new EventTarget();
  setMaxListeners(0, target);
  return target as unknown as PubSubEventTarget<LiveTopics>;
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
