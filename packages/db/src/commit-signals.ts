import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * Signals a transaction raises for when it has committed: the outbox relay wakes on "an event
 * was recorded", a cache drops what a write replaced. Raised inside the transaction, heard only
 * after its commit, never after a rollback.
 */
export type CommitListener = (signals: ReadonlySet<string>) => void;

// QueryRunner.data is keyed by strings; this one is ours.
const SIGNALS = 'hub.commitSignals';

const signalsOf = (queryRunner: QueryRunner | undefined): Set<string> | undefined => queryRunner?.data[SIGNALS] as Set<string> | undefined;

/** Raises `signal` for the listeners of the database once `manager`'s transaction commits. */
export function signalOnCommit(manager: EntityManager, signal: string): void {
  const queryRunner = manager.queryRunner;
  if (!queryRunner?.isTransactionActive) return;
  const signals = signalsOf(queryRunner) ?? new Set<string>();
  queryRunner.data[SIGNALS] = signals;
  signals.add(signal);
}

/** The listeners of one database. */
export class CommitSignals {
  private readonly listeners = new Set<CommitListener>();

  /** Returns a function that stops listening. */
  listen(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Wraps a transaction's work so the signals it raises reach the listeners after the commit.
   * The embedded SQLite database reuses one query runner for every transaction, so each
   * transaction takes its signals off the runner before it ends.
   */
  wrap<T>(run: (work: (manager: EntityManager) => Promise<T>) => Promise<T>, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let raised: Set<string> | undefined;
    return run(async (manager) => {
      try {
        return await work(manager);
      } finally {
        raised = signalsOf(manager.queryRunner);
        if (manager.queryRunner) delete manager.queryRunner.data[SIGNALS];
      }
    }).then((result) => {
      if (raised?.size) this.emit(raised);
      return result;
    });
  }

  private emit(signals: ReadonlySet<string>): void {
    for (const listener of this.listeners) {
      try {
        listener(signals);
      } catch (error) {
        // A listener's failure must not turn a committed transaction into an error for its caller.
        console.error('commit listener failed:', error);
      }
    }
  }
}
