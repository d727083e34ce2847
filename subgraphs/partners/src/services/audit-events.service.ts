import { requireRole, type Claims } from '@hub/auth';
import { AuditEventEntity, keysetPage, type Database, type KeysetPage } from '@hub/db';
import { InvalidInputError } from '@hub/domain';

export interface AuditEventFilter {
  actor?: string | null;
  operation?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Reads the audit trail of the whole hub: partners' own rows, written with each change, and
 * every other subgraph's, copied from their `audit.recorded` events. Those copies trail the
 * change by the outbox relay's lag (its poll interval at most, about a second): a change just
 * made in deals may not be listed yet. Read-only: the trail is append-only.
 */
export class AuditEventsService {
  constructor(private readonly database: Database) {}

  async list(claims: Claims | null, filter: AuditEventFilter, page: { first: number; after?: string }): Promise<KeysetPage<AuditEventEntity>> {
    requireRole(claims, ['vendor_admin']);
    if (filter.from && filter.to && filter.from > filter.to) throw new InvalidInputError('filter.to', 'must not be before filter.from');
    const query = this.database.dataSource.manager.createQueryBuilder(AuditEventEntity, 'audit');
    if (filter.actor != null) query.andWhere('audit.actor = :actor', { actor: filter.actor });
    if (filter.operation != null) query.andWhere('audit.operation = :operation', { operation: filter.operation });
    if (filter.from) query.andWhere('audit.at >= :from', { from: sqlInstant(filter.from) });
    if (filter.to) query.andWhere('audit.at < :to', { to: sqlInstant(filter.to) });
    return keysetPage(
      query,
      [
        { column: 'audit.at', value: (row) => sqlInstant(row.at) },
        { column: 'audit.id', value: (row) => row.id },
      ],
      page,
    );
  }
}

/**
 * An instant as DATETIME(3) text in UTC, `2026-06-15 10:00:00.000`: MySQL compares it with the
 * column as a time, and SQLite, which stores the column as this very text, compares it in order.
 */
function sqlInstant(instant: Date): string {
  return instant.toISOString().replace('T', ' ').slice(0, 23);
}
