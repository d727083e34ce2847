import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Tests only: the side effect a test consumer writes per event it handles. No unique key on
 * eventId, so an event applied twice would show as two rows.
 */
@Entity('test_effect')
export class TestEffectEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  consumer: string;

  @Column({ type: 'varchar', length: 36 })
  eventId: string;
}
