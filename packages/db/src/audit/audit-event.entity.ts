import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One committed change made through the API: who (token subject and role), through which
 * operation and root field, which rows, when, in which request. Written in the transaction of
 * the change, so it exists exactly when the change does.
 *
 * Append-only: nothing in the code base updates or deletes these rows, and no API offers to.
 *
 * Every subgraph keeps its own in its database; partners also keeps a copy of every other
 * subgraph's rows (they arrive as `audit.recorded` events) and serves them all as `auditEvents`.
 */
@Entity('audit_event')
// The list pages by (at, id), whole or for one actor or one operation.
@Index(['at', 'id'])
@Index(['actor', 'at', 'id'])
@Index(['operation', 'at', 'id'])
export class AuditEventEntity {
  /** A UUIDv7, also the id of the `audit.recorded` event that carries the row to partners. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 50 })
  subgraph: string;

  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ type: 'varchar', length: 50 })
  role: string;

  /** The operation name, or `(anonymous)`. */
  @Column({ type: 'varchar', length: 200 })
  operation: string;

  @Column({ type: 'varchar', length: 200 })
  rootField: string;

  @Column({ type: 'simple-json' })
  targetIds: string[];

  @Column({ type: 'varchar', length: 100 })
  requestId: string;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;
}
