import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { DateColumn, MoneyColumn } from '@hub/db';
import type { AddOn, BillingKind, Deployment, Edition } from '../domain';

@Entity('sku')
@Index('idx_sku_billing', ['billing', 'code'])
export class SkuEntity {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 40 })
  productLine: string;

  @Column({ type: 'varchar', length: 16 })
  edition: Edition;

  @Column({ type: 'simple-json' })
  addOns: AddOn[];

  /** The deployment models the SKU may run under. */
  @Column({ type: 'simple-json' })
  deployments: Deployment[];

  @Column({ type: 'varchar', length: 8 })
  billing: BillingKind;
}

/** Price book, term side: price per seat-year in a currency, from a date on. */
@Entity('term_price')
export class TermPriceEntity {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  sku: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @DateColumn({ primary: true })
  effectiveFrom: string;

  @MoneyColumn()
  pricePerSeatYear: bigint;
}

/** Price book, usage side: one all-units volume tier of a SKU's price per seat-month. */
@Entity('usage_price')
export class UsagePriceEntity {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  sku: string;

  @PrimaryColumn({ type: 'varchar', length: 3 })
  currency: string;

  @DateColumn({ primary: true })
  effectiveFrom: string;

  @PrimaryColumn({ type: 'int' })
  fromSeats: number;

  @MoneyColumn()
  unitPrice: bigint;
}

/** Per-program licensing settings (demo data, editable). */
@Entity('license_policy')
export class LicensePolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  programCode: string;

  /** Term of a licence issued from a won deal. */
  @Column({ type: 'int' })
  defaultTermMonths: number;

  /** Reports for a month are accepted until this day of the following month. */
  @Column({ type: 'int' })
  usageLockDay: number;
}

