import type { EntityManager } from 'typeorm';
import { recordEvent, recordEvents } from '@hub/events';
import type { Clock } from '@hub/domain';

export const LICENSES_SOURCE = 'licenses';
export const LICENSES_EVENT_VERSION = 1;

export type LicensesEventType =
  | 'license.issued'
  | 'license.renewed'
  | 'license.transferred'
  | 'license.deployment_changed'
  | 'license.revoked'
  | 'license.expired'
  | 'master_license.granted'
  | 'usage.deployment_added'
  | 'usage.deployment_removed'
  | 'usage.deployment_revoked'
  | 'usage.report_submitted'
  | 'usage.statement_issued';

/** Writes licensing events to the outbox in the caller's transaction; `committed` wakes the relay. */
export class LicensesEvents {
  constructor(
    private readonly clock: Clock,
    private readonly wakeRelay: () => void = () => undefined,
  ) {}

  async record(manager: EntityManager, type: LicensesEventType, aggregateId: string, payload: object): Promise<void> {
    await recordEvent(manager, { type, version: LICENSES_EVENT_VERSION, source: LICENSES_SOURCE, aggregateId, payload }, this.clock.now());
  }

  async recordMany(manager: EntityManager, type: LicensesEventType, events: { aggregateId: string; payload: object }[]): Promise<void> {
    await recordEvents(
      manager,
      events.map((event) => ({ type, version: LICENSES_EVENT_VERSION, source: LICENSES_SOURCE, ...event })),
      this.clock.now(),
    );
  }

  committed(): void {
    this.wakeRelay();
  }
}
