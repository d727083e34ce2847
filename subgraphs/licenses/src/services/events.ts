import type { EntityManager } from 'typeorm';
import { recordContractEvent, recordContractEvents, type EventPayload } from '@hub/contracts';
import type { Clock } from '@hub/domain';
import type { DomainEvent } from '@hub/events';

export const LICENSES_SOURCE = 'licenses';
export const LICENSES_EVENT_VERSION = 1;

/** The licence.* types: each carries the whole licence after the change (LicenseEventPayload). */
export type LicenseEventType = 'license.issued' | 'license.renewed' | 'license.transferred' | 'license.deployment_changed' | 'license.revoked' | 'license.expired';

export type LicensesEventType =
  | LicenseEventType
  | 'license.expiring'
  | 'master_license.granted'
  | 'usage.deployment_added'
  | 'usage.deployment_removed'
  | 'usage.deployment_revoked'
  | 'usage.report_submitted'
  | 'usage.statement_issued';

/** The payload the catalogue declares for `type`, in the version licenses publishes. */
export type LicensesPayload<T extends LicensesEventType> = EventPayload<T, typeof LICENSES_EVENT_VERSION>;

/** Writes licensing events to the outbox in the caller's transaction; `committed` wakes the relay. */
export class LicensesEvents {
  constructor(
    private readonly clock: Clock,
    private readonly wakeRelay: () => void = () => undefined,
  ) {}

  async record<T extends LicensesEventType>(manager: EntityManager, type: T, aggregateId: string, payload: LicensesPayload<T>): Promise<DomainEvent<LicensesPayload<T>>> {
    return recordContractEvent(manager, { type, version: LICENSES_EVENT_VERSION, source: LICENSES_SOURCE, aggregateId, payload }, this.clock.now());
  }

  async recordMany<T extends LicensesEventType>(manager: EntityManager, type: T, events: { aggregateId: string; payload: LicensesPayload<T> }[]): Promise<void> {
    await recordContractEvents(
      manager,
      events.map((event) => ({ type, version: LICENSES_EVENT_VERSION, source: LICENSES_SOURCE, ...event })),
      this.clock.now(),
    );
  }

  committed(): void {
    this.wakeRelay();
  }
}
