import { z } from 'zod';

/** Money in minor units as a decimal string: JSON has no bigint, and floats are not money. */
export const minorUnits = z.string().regex(/^-?\d+$/, 'minor units as a decimal integer string');
/** A calendar date, `2026-09-30`. */
export const isoDate = z.iso.date();
/** An instant, `2026-09-30T10:00:00.000Z`. */
export const instant = z.iso.datetime();
export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
export const id = z.string().min(1);
export const segment = z.enum(['SMB', 'ENTERPRISE']);
