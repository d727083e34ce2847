import type { DataSource } from 'typeorm';

/**
 * The number of rows in every table the data source maps (the outbox included), to prove that a
 * refused mutation wrote nothing: compare before and after.
 */
export async function tableRowCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const entity of dataSource.entityMetadatas) counts[entity.tableName] = await dataSource.manager.count(entity.target);
  return counts;
}
