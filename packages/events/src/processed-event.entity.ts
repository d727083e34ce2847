import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** That `consumer` has handled event `eventId`: inserted in the handler's transaction, so a redelivery is skipped. */
@Entity('processed_event')
// The pruner deletes ids processed before its cutoff, oldest first: this index finds them without a scan.
@Index('IDX_processed_event_processedAt', ['processedAt'])
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  consumer: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'datetime', precision: 3 })
  processedAt: Date;
}
