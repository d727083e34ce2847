import { subgraphLog } from './log';

export interface DrainOptions {
  /** The subgraph the log lines name. */
  name: string;
  /** The process exits (1) this long after the signal even if the drain hangs. */
  timeoutMs: number;
  /** Ends the process; tests replace it. */
  exit?: (code: number) => void;
  /** Where the signals come from; tests replace it. */
  signals?: Pick<NodeJS.Process, 'on'>;
}

/**
 * For a subgraph's process: on the first SIGTERM or SIGINT, runs `drain` (the server's close —
 * unready, no new connection, requests in flight finished — then consumers and relays after
 * their current batch, then the database) and exits 0 when it is done; exits 1 when it fails,
 * when it has not finished within `timeoutMs`, or on a second signal. The listeners stay
 * registered, so a library that re-raises a signal nobody else listens to cannot kill the
 * process mid-drain.
 */
export function drainOnSignal(drain: () => Promise<void>, options: DrainOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      subgraphLog('warn', `${signal} again during the drain: exiting now`, undefined, { subgraph: options.name });
      return exit(1);
    }
    draining = true;
    const started = Date.now();
    subgraphLog('info', `${signal} received: draining (at most ${options.timeoutMs} ms)`, undefined, { subgraph: options.name });
    const fuse = setTimeout(() => {
      subgraphLog('error', `drain did not finish within ${options.timeoutMs} ms: exiting`, undefined, { subgraph: options.name });
      exit(1);
    }, options.timeoutMs);
    fuse.unref();
    drain().then(
      () => {
        clearTimeout(fuse);
        subgraphLog('info', `drained in ${Date.now() - started} ms`, undefined, { subgraph: options.name });
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(fuse);
        subgraphLog('error', 'drain failed', error, { subgraph: options.name });
        exit(1);
      },
    );
  };
  const signals = options.signals ?? process;
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
}
