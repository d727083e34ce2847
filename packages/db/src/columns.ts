import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/** BIGINT ⇄ bigint. mysql2 returns BIGINT as a string (bigNumberStrings), SQLite as a number. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | number | bigint | null) => (value === null ? null : BigInt(value)),
};

/** An exact money amount in integer minor units of the row's currency. */
export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'bigint', transformer: bigintTransformer });
}

/** A calendar date stored as DATE and read back as `YYYY-MM-DD`, whatever the driver's time zone. */
export const isoDateTransformer: ValueTransformer = {
  to: (value: string | null | undefined) => value,
  from: (value: string | Date | null) => {
    if (value === null) return null;
    if (typeof value === 'string') return value.slice(0, 10);
    return value.toISOString().slice(0, 10);
  },
};

export function DateColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'date', transformer: isoDateTransformer });
}
