/**
 * Whether a failed insert hit a primary or unique key that already exists, on MySQL/MariaDB
 * (`ER_DUP_ENTRY`) or SQLite (`SQLITE_CONSTRAINT_PRIMARYKEY` / `_UNIQUE`). TypeORM wraps the
 * driver's error in a QueryFailedError that keeps its `code`, and its `driverError`.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const codes = [error, (error as { driverError?: unknown } | null)?.driverError].map((e) => (e as { code?: unknown } | null)?.code);
  return codes.some((code) => code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE');
}
