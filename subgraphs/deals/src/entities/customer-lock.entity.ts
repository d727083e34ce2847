import { Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per (product line, end customer) key that registrations lock before looking for a
 * conflict, so two partners registering the same customer at once are serialised and the
 * second one sees the first. Rows are created on demand and never change.
 */
@Entity('customer_lock')
export class CustomerLockEntity {
  /** SHA-256 of the key, hex: bounded length whatever the customer name. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  lockKey: string;
}
