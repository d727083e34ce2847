import { Column, Entity, PrimaryColumn } from 'typeorm';

/** That `consumer` has handled event `eventId`: inserted in the handler's transaction, so a redelivery is skipped. */
@Entity('processed_event')
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  consumer: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  eventId: string;

  @Column({ type: 'datetime', precision: 3 })
  processedAt: Date;
}
