import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/*
 * Read paths that only hand rows to resolvers (no relations, no entity methods, no
 * `instanceof`) read them raw: TypeORM's entity transformer and query building took a third of
 * a list page's CPU. The values are what entity hydration gives (dates, JSON, booleans, column
 * transformers): each column goes through the driver's own conversion.
 */

interface Driver {
  prepareHydratedValue(value: unknown, column: ColumnMetadata): unknown;
}

/**
 * Column types that the MySQL and SQLite drivers both hand back exactly as read when no
 * transformer applies (`prepareHydratedValue` has no branch for them): those skip the call,
 * which a page of rows would otherwise make once per cell.
 */
const AS_READ = new Set<unknown>(['varchar', 'char', 'text', String]);

type Converter = ((value: unknown) => unknown) | null;

function convertersOf(columns: readonly ColumnMetadata[], driver: Driver): Converter[] {
  return columns.map((column) => (column.transformer || !AS_READ.has(column.type) ? (value: unknown) => driver.prepareHydratedValue(value, column) : null));
}

function hydrate<T>(columns: readonly ColumnMetadata[], converters: readonly Converter[], values: Record<string, unknown>, computed: readonly string[]): T {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i += 1) {
    const name = columns[i]!.propertyName;
    const convert = converters[i];
    row[name] = convert ? convert(values[name]) : values[name];
  }
  for (const alias of computed) row[alias] = values[alias];
  return row as T;
}

function selectedColumns(columns: readonly ColumnMetadata[], wanted: readonly string[] | undefined): readonly ColumnMetadata[] {
  return wanted ? columns.filter((column) => wanted.includes(column.propertyName)) : columns;
}

export interface RawRowsOptions<K extends string, C extends string> {
  /** Only these properties (fewer bytes read and converted); default every column. */
  columns?: readonly K[];
  /**
   * Values SQL computes beside the columns (say a correlated subquery), by the property they
   * land in, returned as the driver reads them. Parameters they use are set on the query.
   */
  computed?: Readonly<Record<C, string>>;
}

/** The rows of `query`'s entity as plain objects. */
export async function rawRows<T extends ObjectLiteral, K extends keyof T & string = keyof T & string, C extends string = never>(
  query: SelectQueryBuilder<T>,
  options: RawRowsOptions<K, C> = {},
): Promise<(Pick<T, K> & Record<C, unknown>)[]> {
  const { metadata, name: alias } = query.expressionMap.mainAlias!;
  const columns = selectedColumns(metadata.columns, options.columns);
  const computed = Object.entries<string>(options.computed ?? {});
  const selecting = query.clone().select([]);
  for (const column of columns) selecting.addSelect(`${alias}.${column.propertyPath}`, column.propertyName);
  for (const [name, expression] of computed) selecting.addSelect(expression, name);
  const raw = await selecting.getRawMany<Record<string, unknown>>();
  const converters = convertersOf(columns, query.connection.driver);
  const names = computed.map(([name]) => name);
  return raw.map((values) => hydrate(columns, converters, values, names));
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
  const columns = selectedColumns(metadata.columns, options.columns);
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
  const converters = convertersOf(columns, manager.connection.driver);
  return raw.map((values) => hydrate<Pick<T, K>>(columns, converters, values, []));
}
