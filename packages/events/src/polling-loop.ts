import { Doorbell, sleep } from './timers';

/** What a round asks the loop to do next. */
export type NextRound =
  /** Work is left (a full batch): go again at once. */
  | 'now'
  /** Nothing left: wait `intervalMs`, or less if `wake()` is called (a call during the round counts). */
  | 'idle'
  /** A dependency is down: wait this long whatever wakes the loop, since retrying on every wake-up would hammer it. */
  | { pauseMs: number };

export interface PollingLoopOptions {
  /** One round of work. */
  round: () => Promise<NextRound>;
  intervalMs: number;
  /** Hears a round that threw; the loop then waits as if idle and goes on. */
  onError: (error: unknown) => void;
  /** Wait `intervalMs` before the first round (a periodic sweep) rather than run it at once. */
  firstRoundAfterInterval?: boolean;
}

/**
 * Runs rounds of background work until `stop()`: at once while a round says work is left, then
 * every `intervalMs` or on `wake()`. `stop()` lets the round in progress end (its transaction
 * commits or rolls back) and cuts the wait short, so nothing is left running behind it.
 */
export class PollingLoop {
  private readonly bell = new Doorbell();
  private woken = false;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: PollingLoopOptions) {}

  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.run(controller.signal);
  }

  /** Run a round now rather than at the end of the wait (or right after the round in progress). */
  wake(): void {
    this.woken = true;
    this.bell.fire();
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = null;
    this.controller = null;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { intervalMs } = this.options;
    if (this.options.firstRoundAfterInterval) await this.bell.wait(intervalMs, signal);
    while (!signal.aborted) {
      this.woken = false;
      let next: NextRound = 'idle';
      try {
        next = await this.options.round();
      } catch (error) {
        this.options.onError(error);
      }
      if (signal.aborted) break;
      if (next === 'idle') {
        if (!this.woken) await this.bell.wait(intervalMs, signal);
      } else if (next !== 'now') {
        await sleep(next.pauseMs, signal);
      }
    }
  }
}
