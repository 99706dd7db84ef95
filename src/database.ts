import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { AgencyKeyEntity } from './agencies/agency-key.entity.js';
import { AgencyEntity } from './agencies/agency.entity.js';
import {
  AuditCheckpointEntity,
  AuditHeadEntity,
  AuditHoldEntity,
  AuditNodeEntity,
  AuditRecordEntity,
} from './audit/audit.entities.js';
import { TokenUseEntity } from './common/auth/token-use.entity.js';

/** Every entity the broker maps; the schema check compares these with the migrations. */
export const ENTITIES = [
  AgencyEntity,
  AgencyKeyEntity,
  TokenUseEntity,
  AuditRecordEntity,
  AuditNodeEntity,
  AuditHeadEntity,
  AuditCheckpointEntity,
  AuditHoldEntity,
];

export interface DataSourceOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
  /**
   * PostgreSQL role every connection switches to (`SET ROLE` at connection start). The broker runs
   * as `filet_app`, which may only INSERT and SELECT the audit log; migrations run as the login role.
   */
  readonly role?: string;
}

/** The role the broker's own connections run as (created by the audit-log migration). */
export const APP_ROLE = 'filet_app';

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
    extra: {
      connectionTimeoutMillis: 5000,
      statement_timeout: 15000,
      ...(options.role ? { options: `-c role=${options.role}` } : {}),
    },
  });
}
