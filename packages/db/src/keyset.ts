import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { InvalidInputError } from '@hub/domain';

/** One column of a keyset ordering; the last key must be unique (the id). */
export interface KeysetKey<T> {
  /** SQL expression, e.g. `partner.name`. */
  column: string;
  /** Reads the key's value from a loaded row, for the cursor. */
  value: (row: T) => string | number;
}

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError('after', 'is not a cursor this list produced');
}

export interface KeysetPage<T> {
  nodes: T[];
  hasNextPage: boolean;
  totalCount: number;
  cursorOf(row: T): string;
}

export interface KeysetOptions<T extends ObjectLiteral> {
  /** false skips the COUNT when nobody asked for `totalCount` (which is then 0). */
  count?: boolean;
  /** Loads the page's rows, e.g. `rawRows`; default: entities (`getMany`). */
  rows?: (query: SelectQueryBuilder<T>) => Promise<T[]>;
}

/**
 * Runs a keyset-paginated query: `WHERE (k1, k2) > (:v1, :v2)` spelled out so MySQL, MariaDB
 * and SQLite all use the index, `LIMIT first + 1` to learn whether a next page exists, and one
 * COUNT for `totalCount` over the same filters.
 */
export async function keysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  keys: KeysetKey<T>[],
  page: { first: number; after?: string },
  options: KeysetOptions<T> = {},
): Promise<KeysetPage<T>> {
  const cursorOf = (row: T) => encodeCursor(keys.map((key) => key.value(row)));
  // An empty page answers hasNextPage from the count, so it always counts.
  const totalCount = options.count === false && page.first > 0 ? 0 : await query.clone().orderBy().getCount();
  if (page.first === 0) return { nodes: [], hasNextPage: totalCount > 0, totalCount, cursorOf };

  const paged = query.clone();
  if (page.after) {
    const values = decodeCursor(page.after, keys.length);
    paged.andWhere(
      new Brackets((outer) => {
        keys.forEach((key, i) => {
          outer.orWhere(
            new Brackets((inner) => {
              for (let j = 0; j < i; j += 1) inner.andWhere(`${keys[j]!.column} = :keyset_${j}`, { [`keyset_${j}`]: values[j] });
              inner.andWhere(`${key.column} > :keyset_${i}`, { [`keyset_${i}`]: values[i] });
            }),
          );
        });
      }),
    );
  }
  keys.forEach((key, i) => (i === 0 ? paged.orderBy(key.column, 'ASC') : paged.addOrderBy(key.column, 'ASC')));
  // Raw rows are one per result row, so LIMIT; entities keep TypeORM's take (right with joins too).
  const rows = options.rows ? await options.rows(paged.limit(page.first + 1)) : await paged.take(page.first + 1).getMany();
  return { nodes: rows.slice(0, page.first), hasNextPage: rows.length > page.first, totalCount, cursorOf };
}

/**
 * The same page, cursors and total as `keysetPage` over rows already loaded (say, by a
 * DataLoader for many parents at once), ordered by a unique string key.
 */
export function keysetSlice<T>(rows: readonly T[], keyOf: (row: T) => string, page: { first: number; after?: string }): KeysetPage<T> {
  const sorted = [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const after = page.after === undefined ? undefined : String(decodeCursor(page.after, 1)[0]);
  const rest = after === undefined ? sorted : sorted.filter((row) => keyOf(row) > after);
  return { nodes: rest.slice(0, page.first), hasNextPage: rest.length > page.first, totalCount: sorted.length, cursorOf: (row) => encodeCursor([keyOf(row)]) };
}

/** Which parent a child row belongs to, e.g. `deal.partnerId` and the same read from a loaded row. */
export interface ParentKey<T> {
  column: string;
  of: (row: T) => string;
}

/**
 * The same page of each parent's rows for many parents at once, as `keysetPage` gives it for
 * one, ordered by a unique key (the id), in two statements however many parents: the totals in
 * one GROUP BY, and every parent's first `first + 1` rows after the cursor in one query ranked
 * with ROW_NUMBER() OVER (PARTITION BY parent), which MariaDB 10.2+, MySQL 8 and SQLite 3.25+
 * all run. A cursor is a row's key, so every parent's list continues after it.
 */
export async function keysetPagesByParent<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  parent: ParentKey<T>,
  key: KeysetKey<T>,
  parentIds: readonly string[],
  page: { first: number; after?: string },
): Promise<Map<string, KeysetPage<T>>> {
  const cursorOf = (row: T) => encodeCursor([key.value(row)]);
  const ids = [...new Set(parentIds)];
  const pages = new Map<string, KeysetPage<T>>(ids.map((id) => [id, { nodes: [], hasNextPage: false, totalCount: 0, cursorOf }]));
  if (ids.length === 0) return pages;
  const scoped = query.clone().andWhere(`${parent.column} IN (:...keyset_parents)`, { keyset_parents: ids });

  const totals = await scoped.clone().select(parent.column, 'parent').addSelect('COUNT(*)', 'total').groupBy(parent.column).orderBy().getRawMany<{ parent: string; total: number | string }>();
  for (const { parent: id, total } of totals) pages.get(id)!.totalCount = Number(total);
  if (page.first === 0) {
    for (const listed of pages.values()) listed.hasNextPage = listed.totalCount > 0;
    return pages;
  }

  const after = scoped.clone();
  if (page.after) after.andWhere(`${key.column} > :keyset_after`, { keyset_after: decodeCursor(page.after, 1)[0] });
  const ranked = after
    .clone()
    .select(key.column, 'keyset_key')
    .addSelect(`ROW_NUMBER() OVER (PARTITION BY ${parent.column} ORDER BY ${key.column})`, 'keyset_rank')
    .orderBy();
  const rows = await after
    .andWhere(`${key.column} IN (SELECT ranked.keyset_key FROM (${ranked.getQuery()}) ranked WHERE ranked.keyset_rank <= :keyset_limit)`, {
      keyset_limit: page.first + 1,
    })
    .orderBy(key.column, 'ASC')
    .getMany();
  for (const row of rows) {
    const listed = pages.get(parent.of(row))!;
    if (listed.nodes.length < page.first) listed.nodes.push(row);
    else listed.hasNextPage = true;
  }
  return pages;
}
