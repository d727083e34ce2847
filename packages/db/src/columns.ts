import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';
import { isIsoDate, isStorableAmount } from '@hub/domain';

/*
 * The column transformers are the last check before a value reaches the database. Services
 * validate input and name the field; these refuse, inside the transaction, what slipped past
 * them and could not be read back as written: SQLite stores anything, so a value the read path
 * cannot represent would otherwise be committed and break every later read of the row.
 */

/** BIGINT ⇄ bigint. mysql2 returns BIGINT as a string (bigNumberStrings), SQLite as a number. */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | number | bigint | null) => (value === null ? null : BigInt(value)),
};

/** Money written beyond ±(2^53 − 1) minor units would read back inexactly on SQLite: refused. */
export const moneyTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => {
    if (typeof value === 'bigint' && !isStorableAmount(value)) throw new RangeError(`amount ${value} is beyond the storable range of minor units`);
    return bigintTransformer.to(value);
  },
  from: bigintTransformer.from,
};

/** An exact money amount in integer minor units of the row's currency, within ±(2^53 − 1). */
export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'bigint', transformer: moneyTransformer });
}

/** A calendar date stored as DATE and read back as `YYYY-MM-DD`, whatever the driver's time zone. */
export const isoDateTransformer: ValueTransformer = {
  to: (value: string | null | undefined) => {
    // A date the Date scalar could not print (year 10000 is "+010000-…") is never written.
    if (typeof value === 'string' && !isIsoDate(value)) throw new RangeError(`${JSON.stringify(value)} is not a storable calendar date`);
    return value;
  },
  from: (value: string | Date | null) => {
    if (value === null) return null;
    if (typeof value === 'string') return value.slice(0, 10);
    return value.toISOString().slice(0, 10);
  },
};

export function DateColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'date', transformer: isoDateTransformer });
}
