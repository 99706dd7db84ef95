import type { DataSource } from 'typeorm';

/**
 * The SQL TypeORM would run to make the database match the entities. Empty when the migrations and
 * the entities agree; anything else means one of them changed without the other.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query.trim());
}
