import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/*
 * Read paths that only hand rows to resolvers (no relations, no entity methods, no
 * `instanceof`) read them raw: TypeORM's entity transformer and query building took a third of
 * a list page's CPU. The values are what entity hydration gives (dates, JSON, booleans, column
 * transformers): each column goes through the driver's own conversion.
 */

function hydrate<T>(columns: readonly ColumnMetadata[], driver: { prepareHydratedValue(value: unknown, column: ColumnMetadata): unknown }, values: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const column of columns) row[column.propertyName] = driver.prepareHydratedValue(values[column.propertyName], column);
  return row as T;
}

/** The rows of `query`'s entity as plain objects. */
export async function rawRows<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const { metadata, name: alias } = query.expressionMap.mainAlias!;
  const selecting = query.clone().select([]);
  for (const column of metadata.columns) selecting.addSelect(`${alias}.${column.propertyPath}`, column.propertyName);
  const raw = await selecting.getRawMany<Record<string, unknown>>();
  return raw.map((values) => hydrate<T>(metadata.columns, query.connection.driver, values));
}

const statements = new WeakMap<EntityManager, Map<string, string>>();

export interface WhereInOptions<K extends string> {
  order?: readonly [string, 'ASC' | 'DESC'][];
  /** Only these properties (fewer bytes read and converted); default every column. */
  columns?: readonly K[];
}

/**
 * The rows of `entity` whose `column` is one of `keys` as plain objects: what a per-request
 * loader asks for. The SQL is built once per entity, column, order, columns and number of
 * keys, then only run.
 */
export async function rawRowsWhereIn<T extends ObjectLiteral, K extends keyof T & string = keyof T & string>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  column: string,
  keys: readonly (string | number)[],
  options: WhereInOptions<K> = {},
): Promise<Pick<T, K>[]> {
  if (keys.length === 0) return [];
  const metadata = manager.connection.getMetadata(entity);
  const columns = options.columns ? metadata.columns.filter((candidate) => options.columns!.includes(candidate.propertyName as K)) : metadata.columns;
  const built = statements.get(manager) ?? new Map<string, string>();
  statements.set(manager, built);
  const order = options.order ?? [];
  const name = `${metadata.name}|${column}|${order.flat().join(',')}|${columns.map((c) => c.propertyName).join(',')}|${keys.length}`;
  let sql = built.get(name);
  if (sql === undefined) {
    const query = manager.createQueryBuilder(entity, 'row').select([]);
    for (const selected of columns) query.addSelect(`row.${selected.propertyPath}`, selected.propertyName);
    query.where(`row.${column} IN (:...keys)`, { keys: [...keys] });
    for (const [by, direction] of order) query.addOrderBy(`row.${by}`, direction);
    sql = query.getQueryAndParameters()[0];
    built.set(name, sql);
  }
  const raw = (await manager.query(sql, [...keys])) as Record<string, unknown>[];
  return raw.map((values) => hydrate<Pick<T, K>>(columns, manager.connection.driver, values));
}
