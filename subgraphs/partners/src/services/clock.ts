import { isoDateOf, type IsoDate } from '@hub/domain';

/** The only source of "now" in the subgraph, injected so tests can pin the date. */
export interface Clock {
  now(): Date;
  today(): IsoDate;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => isoDateOf(new Date()),
};

export function fixedClock(instant: string): Clock {
  return { now: () => new Date(instant), today: () => isoDateOf(new Date(instant)) };
}
