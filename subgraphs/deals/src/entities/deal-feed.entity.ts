import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A BIGINT read back as a number: feed positions stay far below 2^53. */
const positionTransformer = { to: (value: number) => value, from: (value: string | number) => Number(value) };

/**
 * The deal feed: every deal event in commit order, kept for the feed's retention, so a
 * distributor integration that was away can page through what it missed (`dealEvents`) or
 * resume its subscription (`dealUpdated(after:)`). Positions come from `deal_feed_head` inside
 * the transaction that changes the deal, so they are dense and a position is only visible once
 * every lower one is: a reader never skips one that commits late.
 */
@Entity('deal_feed')
@Index('idx_deal_feed_partner', ['partnerId', 'position'])
@Index('idx_deal_feed_referrer', ['referringPartnerId', 'position'])
@Index('idx_deal_feed_distributor', ['distributorId', 'position'])
@Index('idx_deal_feed_occurred', ['occurredAt'])
export class DealFeedEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: positionTransformer })
  position: number;

  /** The event's id on the bus and in webhooks: what clients resume from. */
  @Index('uq_deal_feed_event', { unique: true })
  @Column({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'varchar', length: 36 })
  dealId: string;

  // Copied out of the payload so the access rules and filters are index reads.
  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  referringPartnerId: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  distributorId: string | null;

  @Column({ type: 'datetime', precision: 3 })
  occurredAt: Date;

  /** The deal.* payload, exactly what the event catalogue declares and the bus carries. */
  @Column({ type: 'simple-json' })
  payload: unknown;
}

/** One row: the last position handed out. Updating it serialises the feed's writers until commit. */
@Entity('deal_feed_head')
export class DealFeedHeadEntity {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ type: 'bigint', transformer: positionTransformer })
  position: number;
}
