/**
 * Hive Gateway's runtime disposes itself on SIGINT/SIGTERM: it creates its server adapter with
 * `disposeOnProcessTerminate: true` and offers no option against it, and the adapter then
 * registers `process.once` listeners that dispose it at the signal. A disposed runtime answers
 * the later subgraph fetches of queries still in flight with SHUTTING_DOWN, which is exactly
 * what a drain must not do. The gateway disposes the runtime itself, after its drain (see
 * create-gateway's `close`), so those listeners are taken off once they exist.
 */
const TERMINATE_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** The name of the listener @whatwg-node/server registers for its disposable stacks. */
const ADAPTER_TERMINATE_HANDLER = 'terminateHandler';

export function keepRuntimeThroughSignals(runtime: { disposableStack?: unknown }): number {
  // The adapter registers its listeners when its disposable stack is first created: create it now.
  void runtime.disposableStack;
  let removed = 0;
  for (const signal of TERMINATE_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (listener.name !== ADAPTER_TERMINATE_HANDLER) continue;
      process.removeListener(signal, listener);
      removed += 1;
    }
  }
  return removed;
}
