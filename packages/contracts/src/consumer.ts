import type { EntityManager } from 'typeorm';
import { consoleLogger, defineConsumer as defineVersionedConsumer, type DomainEvent, type EventsLogger, type VersionHandler, type VersionedConsumer } from '@hub/events';
import { contractOf, type EventPayload, type EventType, type EventVersion } from './catalogue';
import { describeIssues } from './validate';

/** Applies one validated event, in the transaction that records it as processed. */
export type ContractHandler<T extends EventType, V extends EventVersion<T>> = (
  payload: EventPayload<T, V>,
  event: DomainEvent<EventPayload<T, V>>,
  manager: EntityManager,
) => Promise<void>;

/** Handlers by event type, then by payload version: what a consumer understands, typed by the catalogue. */
export type ContractHandlers = { [T in EventType]?: { [V in EventVersion<T>]?: ContractHandler<T, V> } };

/**
 * A consumer whose payloads are checked against the catalogue before its handler sees them;
 * what fails the check, or comes in a version it has no handler for, is parked (see @hub/events).
 */
export function defineConsumer(name: string, handlers: ContractHandlers, logger: EventsLogger = consoleLogger): VersionedConsumer {
  const table: Record<string, Record<number, VersionHandler<unknown>>> = {};
  for (const [type, versions] of Object.entries(handlers as Record<string, Record<string, ContractHandler<EventType, never> | undefined>>)) {
    for (const [version, apply] of Object.entries(versions)) {
      const contract = contractOf(type, Number(version));
      if (!apply) continue;
      if (!contract) throw new Error(`${name}: ${type} v${version} is not in the event catalogue`);
      (table[type] ??= {})[Number(version)] = {
        parse: (payload) => {
          const parsed = contract.payload.safeParse(payload);
          return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
        },
        apply: apply as VersionHandler<unknown>['apply'],
      };
    }
  }
  return defineVersionedConsumer(name, table, logger);
}
