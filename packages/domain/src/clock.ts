import { isoDateOf, type IsoDate } from './dates';

/** The only source of "now" in a subgraph, injected so tests can pin or move the date. */
export interface Clock {
  now(): Date;
  today(): IsoDate;
}

export const systemClock: Clock = { now: () => new Date(), today: () => isoDateOf(new Date()) };

export function fixedClock(instant: string): Clock {
  return { now: () => new Date(instant), today: () => isoDateOf(new Date(instant)) };
}

/** A clock tests can move forward, e.g. to the day after an approval expires. */
export function adjustableClock(instant: string): Clock & { set(instant: string): void } {
  let current = new Date(instant);
  return { now: () => new Date(current), today: () => isoDateOf(current), set: (next) => (current = new Date(next)) };
}
