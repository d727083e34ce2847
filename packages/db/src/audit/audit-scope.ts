import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import type { AuditEventEntity } from './audit-event.entity';

/**
 * Who is changing what, for the request being served. The subgraph server opens a scope around
 * each GraphQL request; its Apollo plugin fills in what is only known once the document is
 * parsed (the operation, whether it is a mutation, the root field being resolved). Every
 * transaction that commits inside a mutation's scope writes one audit row.
 */
export interface AuditScope {
  /** The subgraph serving the request, e.g. `deals`. */
  subgraph: string;
  /** The token's `sub`. */
  actor: string;
  role: string;
  requestId: string;
  /** The client's operation name; null for an anonymous operation. */
  operation: string | null;
  /** The root field resolving now; mutation fields run one after another, so one slot suffices. */
  rootField: string | null;
  /** Only mutations are audited: queries change nothing. */
  mutation: boolean;
  /** Also records the row somewhere else in the same transaction (the outbox, for the central copy). */
  forward?: (manager: EntityManager, row: AuditEventEntity) => Promise<void>;
}

const storage = new AsyncLocalStorage<AuditScope>();

export function runInAuditScope<T>(scope: AuditScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The scope of the request this code runs for; undefined in background work (relays, consumers, sweeps). */
export function currentAuditScope(): AuditScope | undefined {
  return storage.getStore();
}
