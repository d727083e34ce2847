/** How long a drain may take by default before the process exits anyway (below Kubernetes' 30 s grace). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * Runs `close` (the drain) on the first SIGINT or SIGTERM, then exits 0; exits 1 when it fails,
 * when it has not finished within `timeoutMs` (something hangs), or at once on a second signal.
 * The listeners stay registered (`on`, not `once`): libraries that re-raise a signal when no
 * other listener is left would otherwise kill the process mid-close.
 */
export function closeOnSignal(close: () => Promise<void>, timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    const started = Date.now();
    console.log(`\n${signal} received, draining (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      console.error(`shutdown did not finish within ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => {
        console.log(`drained in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
