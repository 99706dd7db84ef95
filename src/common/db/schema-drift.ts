import type { DataSource } from 'typeorm';

/**
 * GIN indexes (array containment searches) that TypeORM cannot describe: it sees them as plain
 * indexes and would drop and recreate them. Their presence and method are checked by the schema test.
 */
export const GIN_INDEXES = ['audit_record_parties_idx', 'audit_record_person_ids_idx'] as const;

function isGinIndexChurn(query: string): boolean {
  return GIN_INDEXES.some(
    (name) => query.includes(`"${name}"`) && /^(DROP|CREATE) INDEX/.test(query),
  );
}

/**
 * The SQL TypeORM would run to make the database match the entities. Empty when the migrations and
 * the entities agree; anything else means one of them changed without the other.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query.trim()).filter((q) => !isGinIndexChurn(q));
}
