import { Initial1795308299158 } from './Initial1795308299158';

/** In order; each runs once per database, in its own transaction. */
export const incentivesMigrations = [Initial1795308299158];
