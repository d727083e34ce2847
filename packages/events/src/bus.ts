import type { BackoffPolicy } from './backoff';
import type { DomainEvent } from './envelope';

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface ConsumeOptions {
  /**
   * This subscription's name within the group (Redis). Give it a name that survives restarts
   * (and that no other live process uses) so the entries it had not acknowledged come back to
   * it at once; the default, `<hostname>-<pid>-<n>`, leaves them for whichever consumer of the
   * group claims them after `claimIdleMs`.
   */
  consumer?: string;
  /** Entries read per round trip (Redis). */
  batchSize?: number;
  /** How long one read waits for new entries before looping (Redis). */
  blockMs?: number;
  /** Pending entries idle this long — their consumer crashed or hangs — are claimed by this one (Redis). */
  claimIdleMs?: number;
  /** Delays between retries of an event whose handler failed. */
  retry?: BackoffPolicy;
}

export interface Subscription {
  /** Finishes the event in hand (handled and acknowledged, or left for redelivery) and stops. */
  stop(): Promise<void>;
}

/**
 * Delivers published events to consumer groups, at least once and in order within a group.
 * Each group sees every event still retained, including those published before it first
 * subscribed; a handler that throws gets the same event again later, after a backoff.
 */
export interface EventBus {
  publish(events: DomainEvent[]): Promise<void>;
  consume(group: string, handler: EventHandler, options?: ConsumeOptions): Promise<Subscription>;
  /** How far behind each consumer group is, for monitoring. */
  groupLag(): Promise<GroupLag[]>;
  /**
   * Forgets a consumer group no code reads any more, so it stops holding a position and showing
   * a lag that only grows. True when there was one.
   */
  retireGroup(group: string): Promise<boolean>;
  /**
   * For a bus that can lose what it holds without this process noticing (Redis restarted without
   * persistence): `owner`'s epoch of the bus, an id written beside what it holds and lost with
   * it. `created` is true when this call started a new epoch because there was none: events
   * published before may be gone. The in-process bus, lost only with the process, has none.
   */
  epoch?(owner: string): Promise<BusEpoch>;
  close(): Promise<void>;
}

export interface BusEpoch {
  id: string;
  created: boolean;
}

/** A consumer group's distance from the head of the bus. */
export interface GroupLag {
  group: string;
  /** Events retained on the bus that the group has not read yet; NaN when the bus cannot tell. */
  lag: number;
  /** Events read but not yet acknowledged (being handled, or waiting for a retry). */
  pending: number;
}
