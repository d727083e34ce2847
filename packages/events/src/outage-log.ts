import type { EventsLogger } from './logger';

/**
 * Reports a dependency going away once, and its return once, however many attempts fail in
 * between: a relay ticking every second during a Redis outage must not flood the log.
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: EventsLogger,
    private readonly what: string,
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.error(`${this.what} failed; retrying quietly until it recovers`, error);
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info(`${this.what} recovered`);
  }
}
