import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('person')
@Index(['partnerId', 'email'], { unique: true })
export class PersonEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  partnerId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'datetime' })
  createdAt: Date;
}
