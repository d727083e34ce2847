import { LessThan, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { READ_ALL_ROLES, requireClaims, type Claims } from '@hub/auth';
import { DomainError, InvalidInputError } from '@hub/domain';
import type { DomainEvent } from '@hub/events';
import { DealFeedEntryEntity, DealFeedHeadEntity } from '../entities/deal-feed.entity';
import { payloadOf } from '@hub/contracts';
import { DEAL_EVENT_VERSION, isDealEventType, type DealEventKind, type DealEventPayload } from './deal-events';
import type { PartnerFacts, PartnerFactsLookup } from './partner-facts';

/** A deal event at its place in the feed: what `dealEvents` pages through and `dealUpdated` sends. */
export interface DealFeedEvent {
  /** Dense and in commit order; clients see it only as the event id they resume from. */
  position: number;
  id: string;
  kind: DealEventKind;
  at: string;
  payload: DealEventPayload;
  /** Deals' projection of the deal's partner when the event was read (absent if deals has none). */
  partner?: PartnerFacts;
}

/** Narrows a feed to what a client asked for; the caller's access rules always apply on top. */
export interface DealFeedFilter {
  partnerId?: string | null;
  distributorId?: string | null;
  dealId?: string | null;
  kinds?: readonly DealEventKind[] | null;
}

/** A page of the feed and how far it looked: the next page starts after `scannedTo`. */
export interface DealFeedPage {
  events: DealFeedEvent[];
  scannedTo: number;
  /** Whether events past this page existed when it was read (up to the bound asked for). */
  more: boolean;
}

/** A resume point older than the feed keeps: the client must start again from its own state. */
export class CursorExpiredError extends DomainError {
  constructor(after: string, retentionDays: number) {
    super(
      'CURSOR_EXPIRED',
      `Event ${after} is not in the deal feed: the feed keeps ${retentionDays} days of events. Read the current state with \`deals\`, then follow \`dealUpdated\` or \`dealEvents\` without \`after\`.`,
      { field: 'after', retentionDays },
    );
    this.name = 'CursorExpiredError';
  }
}

const HEAD_ID = 1;
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The deal feed's table: appended to inside the transaction that changes a deal, read in
 * position order with the caller's access rules as SQL, pruned after its retention.
 */
export class DealFeed {
  constructor(
    private readonly dataSource: DataSource,
    readonly retentionMs: number,
  ) {}

  /**
   * Takes the next position and writes the event there. The head row stays locked until the
   * transaction commits, so writers commit in position order: once a position is visible, every
   * lower one is too, and a reader that has seen position n has seen everything before it.
   */
  async append(manager: EntityManager, event: DomainEvent<DealEventPayload>): Promise<number> {
    const column = manager.connection.driver.escape('position');
    await manager.createQueryBuilder().update(DealFeedHeadEntity).set({ position: () => `${column} + 1` }).where({ id: HEAD_ID }).execute();
    const { position } = await manager.findOneByOrFail(DealFeedHeadEntity, { id: HEAD_ID });
    const { payload } = event;
    await manager.insert(DealFeedEntryEntity, {
      position,
      eventId: event.id,
      type: event.type,
      dealId: payload.dealId,
      partnerId: payload.partnerId,
      referringPartnerId: payload.referringPartnerId,
      distributorId: payload.distributorId,
      occurredAt: new Date(event.occurredAt),
      payload,
    });
    return position;
  }

  /** The last position written (0 before the first event). */
  async head(): Promise<number> {
    return (await this.dataSource.manager.findOneByOrFail(DealFeedHeadEntity, { id: HEAD_ID })).position;
  }

  /**
   * Where a client resumes after the event it last saw. Any event id works, whoever could read
   * it: the position says nothing of the event, and only what the caller may read follows.
   */
  async positionAfter(after: string): Promise<number> {
    if (!EVENT_ID.test(after)) throw new InvalidInputError('after', 'must be the id of a deal event (from DealEvent.id or an edge cursor)');
    const entry = await this.dataSource.manager.findOne(DealFeedEntryEntity, { where: { eventId: after.toLowerCase() }, select: { position: true } });
    if (!entry) throw new CursorExpiredError(after, Math.round(this.retentionMs / DAY_MS));
    return entry.position;
  }

  /** A page for `dealEvents`: after the event `after` names, or from the oldest event kept. */
  async page(claims: Claims | null, filter: DealFeedFilter, after: string | null, first: number): Promise<DealFeedPage> {
    const caller = requireClaims(claims);
    return this.read(caller, filter, after === null ? 0 : await this.positionAfter(after), first);
  }

  /**
   * Events after `after` (and at most `upTo`) the caller may read, matching the filter, oldest
   * first. `scannedTo` is the last position this read has accounted for, matching or not.
   */
  async read(caller: Claims, filter: DealFeedFilter, after: number, limit: number, upTo?: number): Promise<DealFeedPage> {
    const query = this.dataSource.manager
      .createQueryBuilder(DealFeedEntryEntity, 'entry')
      .where('entry.position > :after', { after })
      .orderBy('entry.position', 'ASC')
      .take(limit + 1);
    if (upTo !== undefined) query.andWhere('entry.position <= :upTo', { upTo });
    if (!readableBy(query, caller)) return { events: [], scannedTo: upTo ?? (await this.head()), more: false };
    narrow(query, filter);
    const rows = await query.getMany();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const events = page.map(toFeedEvent);
    // A short page has seen everything up to the bound (or the head when it was read); a full
    // one, up to its last event (none for `first: 0`: then nothing past `after`).
    const last = page.at(-1)?.position ?? after;
    const scannedTo = more ? last : (upTo ?? last);
    return { events, scannedTo, more };
  }

  /** Deletes events older than the retention, a batch at a time (short deletes by primary key). */
  async prune(now: Date, batchSize = 500): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let deleted = 0;
    for (;;) {
      const batch = await this.dataSource.manager.find(DealFeedEntryEntity, {
        where: { occurredAt: LessThan(cutoff) },
        select: { position: true },
        order: { position: 'ASC' },
        take: batchSize,
      });
      if (batch.length === 0) return deleted;
      await this.dataSource.manager.delete(DealFeedEntryEntity, batch.map((entry) => entry.position));
      deleted += batch.length;
      if (batch.length < batchSize) return deleted;
    }
  }
}

/** Adds the caller's access rule (canReadDeal's, as SQL); false when the caller may read no deal. */
function readableBy(query: SelectQueryBuilder<DealFeedEntryEntity>, caller: Claims): boolean {
  if (READ_ALL_ROLES.includes(caller.role)) return true;
  if (caller.role === 'partner' && caller.partnerId) {
    query.andWhere('(entry.partnerId = :callerPartner OR entry.referringPartnerId = :callerPartner)', { callerPartner: caller.partnerId });
    return true;
  }
  if (caller.role === 'distributor' && caller.distributorId) {
    query.andWhere('entry.distributorId = :callerDistributor', { callerDistributor: caller.distributorId });
    return true;
  }
  return false;
}

function narrow(query: SelectQueryBuilder<DealFeedEntryEntity>, filter: DealFeedFilter): void {
  if (filter.partnerId != null) query.andWhere('(entry.partnerId = :partnerId OR entry.referringPartnerId = :partnerId)', { partnerId: filter.partnerId });
  if (filter.distributorId != null) query.andWhere('entry.distributorId = :distributorId', { distributorId: filter.distributorId });
  if (filter.dealId != null) query.andWhere('entry.dealId = :dealId', { dealId: filter.dealId });
  if (filter.kinds != null) {
    if (filter.kinds.length === 0) throw new InvalidInputError('filter.kinds', 'name at least one kind, or leave kinds out for all of them');
    query.andWhere('entry.type IN (:...types)', { types: filter.kinds.map((kind) => `deal.${kind.toLowerCase()}`) });
  }
}

/** Whether a live event passes the same filter `narrow` puts in SQL. */
export function matchesFeedFilter(event: DealFeedEvent, filter: DealFeedFilter): boolean {
  const { payload } = event;
  return (
    (filter.partnerId == null || payload.partnerId === filter.partnerId || payload.referringPartnerId === filter.partnerId) &&
    (filter.distributorId == null || payload.distributorId === filter.distributorId) &&
    (filter.dealId == null || payload.dealId === filter.dealId) &&
    (filter.kinds == null || filter.kinds.includes(event.kind))
  );
}

function toFeedEvent(entry: DealFeedEntryEntity): DealFeedEvent {
  if (!isDealEventType(entry.type)) throw new Error(`deal feed entry ${entry.position} has type ${entry.type}`);
  // Checked again on the way out: the row is JSON text a migration or an operator could have touched.
  const payload: DealEventPayload = payloadOf({ type: entry.type, version: DEAL_EVENT_VERSION, payload: entry.payload }, entry.type, DEAL_EVENT_VERSION);
  return { position: entry.position, id: entry.eventId, kind: payload.kind, at: entry.occurredAt.toISOString(), payload };
}

/** Attaches deals' copy of each partner's facts, one lookup per partner of the batch. */
export async function withPartnerFacts(events: DealFeedEvent[], lookup: PartnerFactsLookup): Promise<DealFeedEvent[]> {
  const facts = new Map<string, Promise<PartnerFacts | null>>();
  for (const event of events) if (!facts.has(event.payload.partnerId)) facts.set(event.payload.partnerId, lookup(event.payload.partnerId));
  return Promise.all(events.map(async (event) => ({ ...event, partner: (await facts.get(event.payload.partnerId)!) ?? undefined })));
}
