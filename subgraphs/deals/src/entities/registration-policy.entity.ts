import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per-program registration rules (data, not code): how long an approval lasts. */
@Entity('registration_policy')
export class RegistrationPolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  programCode: string;

  @Column({ type: 'int' })
  approvalValidityDays: number;

  @Column({ type: 'int' })
  maxExtensionDays: number;
}
