import type { ConsumeOptions, EventBus, EventHandler, GroupLag, Subscription } from '../bus';
import type { DomainEvent } from '../envelope';

/**
 * Wraps a real bus so a test decides when publishing fails (`down`) or pauses (`hold`), to
 * exercise the relay around a bus outage or a slow publish. Consuming passes straight through.
 */
export class ControllableBus implements EventBus {
  down = false;
  private held: { entered: () => void; released: Promise<void> } | null = null;

  constructor(private readonly inner: EventBus) {}

  /** The next publish waits until `release()`; `entered` resolves once it is waiting. */
  hold(): { entered: Promise<void>; release: () => void } {
    let entered!: () => void;
    let release!: () => void;
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    this.held = { entered, released: new Promise<void>((resolve) => (release = resolve)) };
    return { entered: enteredPromise, release };
  }

  async publish(events: DomainEvent[]): Promise<void> {
    const held = this.held;
    if (held) {
      this.held = null;
      held.entered();
      await held.released;
    }
    if (this.down) throw new Error('the bus is down (test)');
    await this.inner.publish(events);
  }

  consume(group: string, handler: EventHandler, options?: ConsumeOptions): Promise<Subscription> {
    return this.inner.consume(group, handler, options);
  }

  groupLag(): Promise<GroupLag[]> {
    return this.inner.groupLag();
  }

  retireGroup(group: string): Promise<boolean> {
    return this.inner.retireGroup(group);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
