/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Doorbell().wait(ms, signal);
}

/**
 * A wake-up call: `wait` resolves on the next `fire`, after `ms`, or when `signal` aborts,
 * whichever comes first, and leaves no timer behind. A `fire` with nobody waiting is not kept.
 */
export class Doorbell {
  private readonly waiters = new Set<() => void>();

  fire(): void {
    for (const wake of [...this.waiters]) wake();
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
