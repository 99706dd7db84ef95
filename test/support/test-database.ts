import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../../src/common/db/database-url.js';
import {
  ENV_ADMIN_URL,
  ENV_RUN_ID,
  ENV_TEMPLATE,
  TEST_DB_PREFIX,
  requiredEnv,
} from './test-env.js';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: requiredEnv(ENV_ADMIN_URL) });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated database cloned from the run's template: one per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const worker = process.env.JEST_WORKER_ID ?? '0';
  const name = `${TEST_DB_PREFIX}${requiredEnv(ENV_RUN_ID)}_w${worker}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${requiredEnv(ENV_TEMPLATE)}"`);
  return {
    name,
    url: withDatabase(requiredEnv(ENV_ADMIN_URL), name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
