import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { AgencyKeyEntity } from './agencies/agency-key.entity.js';
import { AgencyEntity } from './agencies/agency.entity.js';
import { TokenUseEntity } from './common/auth/token-use.entity.js';

/** Every entity the broker maps; the schema check compares these with the migrations. */
export const ENTITIES = [AgencyEntity, AgencyKeyEntity, TokenUseEntity];

export interface DataSourceOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
}

/** The broker's one way to reach PostgreSQL. `synchronize` stays off: the schema is the migrations'. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'filet',
    extra: { connectionTimeoutMillis: 5000, statement_timeout: 15000 },
  });
}
