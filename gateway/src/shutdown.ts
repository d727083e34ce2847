/**
 * Runs `close` on the first SIGINT or SIGTERM, then exits; a second signal exits at once, for
 * when a graceful close hangs. The listeners stay registered (`on`, not `once`): libraries that
 * re-raise a signal when no other listener is left would otherwise kill the process mid-close.
 */
export function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    console.log(`\n${signal} received, shutting down`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
